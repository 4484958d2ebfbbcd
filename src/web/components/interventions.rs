//! Interventions: spawn goroutines, block a running goroutine in a syscall, complete a network
//! wait, change GOMAXPROCS. Each is recorded as an action at the current step.

use crate::core::ids::{GId, PId};
use crate::core::scenario::parse_duration;
use crate::web::driver::{Intervention, SpawnFunc, Template};
use std::rc::Rc;
use web_sys::{HtmlInputElement, HtmlSelectElement};
use super::memo::{memo_local, Local, LocalPart};
use yew::prelude::*;

/// Most goroutines a menu lists.
pub const MENU_MAX: usize = 100;

/// What [`interventions`] shows (a [`LocalPart`]: its state is what the user chose and typed,
/// [`Form`]).
#[derive(PartialEq, Clone)]
pub struct InterventionsProps {
    /// GOMAXPROCS now.
    pub gomaxprocs: u32,
    /// Goroutines running now (on an M that is not in a syscall).
    pub running: Rc<Vec<GId>>,
    /// Goroutines waiting on the network whose fd is not ready yet.
    pub net_waiting: Rc<Vec<GId>>,
    /// The scenario's funcs.
    pub funcs: Rc<Vec<String>>,
    pub selected: Option<GId>,
    /// Interventions are possible now (the program has started and not ended).
    pub enabled: bool,
    pub on_intervene: Callback<Intervention>,
}

fn select_value(e: &Event) -> String {
    e.target_unchecked_into::<HtmlSelectElement>().value()
}

fn input_value(e: &InputEvent) -> String {
    e.target_unchecked_into::<HtmlInputElement>().value()
}

/// The forms' fields as the user left them (an empty one: its default), and the last error.
#[derive(Clone)]
pub struct Form {
    what: String,
    count: String,
    target: String,
    sys_g: String,
    sys_dur: String,
    net_g: String,
    procs: String,
    error: Option<String>,
}

impl Default for Form {
    fn default() -> Self {
        Form {
            what: String::new(),
            count: "1".to_string(),
            target: "global".to_string(),
            sys_g: String::new(),
            sys_dur: "5ms".to_string(),
            net_g: String::new(),
            procs: String::new(),
            error: None,
        }
    }
}

/// The interventions' forms. Not a component of its own: each component type costs its own copy
/// of Yew's lifecycle code in the page's wasm; a [`super::memo::Memo`] does the same.
pub fn interventions(props: InterventionsProps) -> Html {
    memo_local(props)
}

impl LocalPart for InterventionsProps {
    type State = Form;

    fn view(&self, form: &Local<Form>) -> Html {
        interventions_view(self, form)
    }
}

/// A goroutine menu's options, `picked` selected.
fn g_options(menu: &[GId], picked: Option<GId>) -> Html {
    menu.iter().map(|g| html! { <option value={g.0.to_string()} selected={Some(*g) == picked}>{ g.to_string() }</option> }).collect()
}

fn interventions_view(props: &InterventionsProps, form: &Local<Form>) -> Html {
    let Form { what, count, target, sys_g, sys_dur, net_g, procs, error } = form.get().clone();

    let running: &[GId] = &props.running;
    let net_waiting: &[GId] = &props.net_waiting;
    let default_what = props.funcs.first().map(|f| format!("f:{f}")).unwrap_or_else(|| format!("t:{}", Template::Cpu.key()));
    let what_v = if what.is_empty() { default_what } else { what.clone() };
    let pick = |chosen: &str, options: &[GId]| -> Option<GId> {
        chosen
            .parse::<u32>()
            .ok()
            .map(GId)
            .filter(|g| options.contains(g))
            .or_else(|| props.selected.filter(|g| options.contains(g)))
            .or_else(|| options.first().copied())
    };
    let sys_pick = pick(&sys_g, running);
    let net_pick = pick(&net_g, net_waiting);
    // A menu lists the first few goroutines (and the one picked); thousands of options would
    // cost every rebuild while playing and help no one choose.
    let menu = |options: &[GId], picked: Option<GId>| -> Vec<GId> {
        let mut v: Vec<GId> = options.iter().take(MENU_MAX).copied().collect();
        if let Some(g) = picked.filter(|g| !v.contains(g)) {
            v.push(g);
        }
        v
    };
    let sys_menu = menu(running, sys_pick);
    let net_menu = menu(net_waiting, net_pick);
    let more = |n: usize| (n > MENU_MAX).then(|| html! { <span class="hint">{ format!(" (the first {MENU_MAX} of {n}; select a goroutine on the board to pick another)") }</span> });

    let emit = {
        let cb = props.on_intervene.clone();
        let form = form.clone();
        move |r: Result<Intervention, String>| match r {
            Ok(i) => {
                form.set(|f| f.error = None);
                cb.emit(i)
            }
            Err(e) => form.set(|f| f.error = Some(e)),
        }
    };
    let on_spawn = {
        let emit = emit.clone();
        let (what_v, count, target) = (what_v.clone(), count.clone(), target.clone());
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            let func = match what_v.split_once(':') {
                Some(("t", k)) => Template::from_key(k).map(SpawnFunc::Template),
                Some(("f", f)) => Some(SpawnFunc::Func(f.to_string())),
                _ => None,
            };
            let n = count.trim().parse::<u32>().ok().filter(|n| (1..=10_000).contains(n));
            let on_p = if target == "global" { Some(None) } else { target.parse::<u32>().ok().map(|p| Some(PId(p))) };
            emit(match (func, n, on_p) {
                (Some(func), Some(n), Some(on_p)) => Ok(Intervention::Spawn { func, n, on_p }),
                (_, None, _) => Err("How many: a whole number from 1 to 10000.".into()),
                _ => Err("Choose what to spawn and where.".into()),
            })
        })
    };
    let on_syscall = {
        let emit = emit.clone();
        let sys_dur = sys_dur.clone();
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            emit(match (sys_pick, parse_duration(sys_dur.trim())) {
                (None, _) => Err("No goroutine is running.".into()),
                (_, Err(m)) => Err(format!("Duration: {m}")),
                (_, Ok(0)) => Err("Duration: more than 0, please.".into()),
                (Some(g), Ok(dur)) => Ok(Intervention::Syscall { g, dur }),
            })
        })
    };
    let on_net = {
        let emit = emit.clone();
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            emit(net_pick.map(|g| Intervention::NetReady { g }).ok_or_else(|| "No goroutine waits on the network.".into()))
        })
    };
    let gmp_now = props.gomaxprocs;
    let on_procs = {
        let emit = emit.clone();
        let procs = procs.clone();
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            let v = if procs.is_empty() { Some(gmp_now) } else { procs.trim().parse::<u32>().ok() };
            emit(v.filter(|n| (1..=1024).contains(n)).map(Intervention::Gomaxprocs).ok_or_else(|| "GOMAXPROCS: a whole number from 1 to 1024.".into()))
        })
    };
    let set = |field: fn(&mut Form) -> &mut String| {
        let form = form.clone();
        Callback::from(move |e: Event| {
            let v = select_value(&e);
            form.set(|f| *field(f) = v)
        })
    };
    let set_in = |field: fn(&mut Form) -> &mut String| {
        let form = form.clone();
        Callback::from(move |e: InputEvent| {
            let v = input_value(&e);
            form.set(|f| *field(f) = v)
        })
    };
    let disabled = !props.enabled;
    html! {
        <section class="interventions" aria-labelledby="iv-h">
            <h2 id="iv-h">{ "Intervene" }</h2>
            if !props.enabled { <p class="hint">{ "Available once the program runs (step forward) and until it ends." }</p> }
            <form onsubmit={on_spawn} class="iv">
                <fieldset disabled={disabled}>
                    <legend>{ "Spawn goroutines" }</legend>
                    <label>{ "run " }
                        <select data-testid="spawn-what" onchange={set(|f| &mut f.what)}>
                            <optgroup label="the scenario's funcs">
                                { for props.funcs.iter().map(|f| { let v = format!("f:{f}"); html! {
                                    <option value={v.clone()} selected={v == what_v}>{ format!("{f}()") }</option>
                                }}) }
                            </optgroup>
                            <optgroup label="ready templates">
                                { for Template::ALL.iter().map(|t| { let v = format!("t:{}", t.key()); html! {
                                    <option value={v.clone()} selected={v == what_v}>{ t.label() }</option>
                                }}) }
                            </optgroup>
                        </select>
                    </label>
                    <label>{ " × " }
                        <input type="number" min="1" max="10000" data-testid="spawn-n" value={count.clone()} oninput={set_in(|f| &mut f.count)} aria-label="How many" />
                    </label>
                    <label>{ " on " }
                        <select data-testid="spawn-where" onchange={set(|f| &mut f.target)}>
                            <option value="global" selected={target == "global"}>{ "the global queue" }</option>
                            { for (0..props.gomaxprocs).map(|p| html! {
                                <option value={p.to_string()} selected={target == p.to_string()}>{ format!("P{p} (as its goroutine's go)") }</option>
                            }) }
                        </select>
                    </label>
                    <button type="submit" data-testid="spawn">{ "Spawn" }</button>
                </fieldset>
            </form>
            <form onsubmit={on_syscall} class="iv">
                <fieldset disabled={disabled || running.is_empty()}>
                    <legend>{ "Block a running goroutine in a syscall" }</legend>
                    <label>{ "goroutine " }
                        <select data-testid="syscall-g" onchange={set(|f| &mut f.sys_g)}>
                            { g_options(&sys_menu, sys_pick) }
                        </select>
                    </label>
                    { more(running.len()) }
                    <label>{ " for " }
                        <input type="text" size="6" data-testid="syscall-dur" value={sys_dur.clone()} oninput={set_in(|f| &mut f.sys_dur)} aria-label="Syscall duration" />
                    </label>
                    <button type="submit" data-testid="block-syscall">{ "Block in syscall" }</button>
                </fieldset>
            </form>
            <form onsubmit={on_net} class="iv">
                <fieldset disabled={disabled || net_waiting.is_empty()}>
                    <legend>{ "Complete a network wait" }</legend>
                    <label>{ "goroutine " }
                        <select data-testid="net-g" onchange={set(|f| &mut f.net_g)}>
                            { g_options(&net_menu, net_pick) }
                        </select>
                    </label>
                    { more(net_waiting.len()) }
                    <button type="submit" data-testid="net-ready">{ "Make its fd ready" }</button>
                </fieldset>
            </form>
            <form onsubmit={on_procs} class="iv">
                <fieldset disabled={disabled}>
                    <legend>{ "Change GOMAXPROCS" }</legend>
                    <label>{ "GOMAXPROCS " }
                        <input type="number" min="1" max="1024" data-testid="gomaxprocs" placeholder={gmp_now.to_string()} value={procs.clone()} oninput={set_in(|f| &mut f.procs)} />
                    </label>
                    <button type="submit" data-testid="set-gomaxprocs">{ "Set" }</button>
                </fieldset>
            </form>
            if let Some(e) = &error { <p class="error" role="alert">{ e.clone() }</p> }
        </section>
    }
}
