//! Downloads of the running scenario (its recorded actions included): as a Go program
//! (`main.go`, `core::export::go_program`) and its run as a Perfetto trace (Chrome trace-event
//! JSON, `core::export::perfetto_export`), the same files `gmpsim export --go|--perfetto` writes.
//! The page traces at most [`TRACE_MAX_STEPS`] steps and says so when a run is longer.

use crate::core::export::{go_program, perfetto_export};
use crate::web::gosrc::{self, Lang};
use std::rc::Rc;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use super::memo::{memo_local, Local, LocalPart};
use yew::prelude::*;

/// Most steps a trace downloaded from the page holds (about 60 MB of JSON for the busiest runs;
/// `gmpsim export --perfetto` has no limit).
pub const TRACE_MAX_STEPS: u64 = 100_000;

/// What [`downloads`] shows (a [`LocalPart`]: its state is the last download's message).
#[derive(PartialEq, Clone)]
pub struct DownloadsProps {
    /// The running scenario's text, its recorded actions included.
    pub running_text: Rc<String>,
}

/// Offers `text` as a file named `name` (a Blob, an object URL and a clicked `<a download>`).
fn download(name: &str, mime: &str, text: &str) -> Result<(), JsValue> {
    let w = web_sys::window().ok_or(JsValue::NULL)?;
    let doc = w.document().ok_or(JsValue::NULL)?;
    let parts = js_sys::Array::of1(&JsValue::from_str(text));
    let opts = web_sys::BlobPropertyBag::new();
    opts.set_type(mime);
    let blob = web_sys::Blob::new_with_str_sequence_and_options(&parts, &opts)?;
    let url = web_sys::Url::create_object_url_with_blob(&blob)?;
    let a: web_sys::HtmlAnchorElement = doc.create_element("a")?.dyn_into()?;
    a.set_href(&url);
    a.set_download(name);
    a.click();
    // Revoked a little later: the download has started by then.
    gloo_timers::callback::Timeout::new(10_000, move || {
        let _ = web_sys::Url::revoke_object_url(&url);
    })
    .forget();
    Ok(())
}

fn thousands(n: u64) -> String {
    let s = n.to_string();
    let mut out = String::new();
    for (i, c) in s.chars().enumerate() {
        if i > 0 && (s.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// The Export panel. Not a component of its own: each component type costs its own copy of
/// Yew's lifecycle code in the page's wasm; a [`super::memo::Memo`] does the same.
pub fn downloads(props: DownloadsProps) -> Html {
    memo_local(props)
}

impl LocalPart for DownloadsProps {
    /// The last download's message.
    type State = String;

    fn view(&self, status: &Local<String>) -> Html {
        downloads_view(self, status)
    }
}

fn downloads_view(props: &DownloadsProps, status: &Local<String>) -> Html {
    let go = {
        let status = status.clone();
        let text = props.running_text.clone();
        Callback::from(move |_: MouseEvent| {
            // The user's own Go text as written; a JSON scenario as `export --go` writes it.
            let prog = match Lang::of(&text) {
                Lang::Go => (*text).clone(),
                Lang::Json => match gosrc::compile(&text) {
                    Ok(s) => go_program(&s),
                    Err(_) => return,
                },
            };
            let msg = match download("main.go", "text/x-go;charset=utf-8", &prog) {
                Ok(()) => format!("main.go: {} bytes. Run it with `go run main.go -trace`.", thousands(prog.len() as u64)),
                Err(_) => "The browser refused the download.".to_string(),
            };
            status.set(|s| *s = msg);
        })
    };
    let perfetto = {
        let status = status.clone();
        let text = props.running_text.clone();
        Callback::from(move |_: MouseEvent| {
            let Ok(s) = gosrc::compile(&text) else { return };
            let t = perfetto_export(&s, TRACE_MAX_STEPS);
            let mut msg = match download("trace.perfetto.json", "application/json", &t.json) {
                Ok(()) => format!(
                    "trace.perfetto.json: {} steps, {} bytes. Open it in ui.perfetto.dev or chrome://tracing.",
                    thousands(t.steps),
                    thousands(t.json.len() as u64)
                ),
                Err(_) => "The browser refused the download.".to_string(),
            };
            if !t.ended {
                msg.push_str(&format!(
                    " The run goes on after step {}: the page traces at most that many steps; `gmpsim export --perfetto FILE` traces all of it.",
                    thousands(TRACE_MAX_STEPS)
                ));
            }
            status.set(|s| *s = msg);
        })
    };
    html! {
        <section class="panel downloads" aria-labelledby="downloads-h">
            <h2 id="downloads-h">{ "Export" }</h2>
            <div class="row">
                <button type="button" data-testid="download-go" onclick={go} title="The scenario as a runnable Go program">{ "Download main.go" }</button>
                <button type="button" data-testid="download-perfetto" onclick={perfetto} title="The run as Chrome trace-event JSON, for ui.perfetto.dev">{ "Download Perfetto trace" }</button>
            </div>
            <p class="hint" role="status" data-testid="download-status">{ status.get().clone() }</p>
        </section>
    }
}
