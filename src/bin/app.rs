//! The playground page's entry point (`trunk build` compiles it to WebAssembly). The same wasm
//! also runs in the page's workers (`gmp::web::own_worker`): a worker's name says which.

#[cfg(target_arch = "wasm32")]
fn main() {
    use gmp::web::own_worker::{role, Role};
    use gmp::web::{thread_worker, trace_worker};
    match role() {
        Role::Page => gmp::web::start(),
        // Threads mode's M: computes and blocks as the core tells it.
        Role::Worker(name) if name == thread_worker::NAME => thread_worker::serve(),
        // The trace reader: reads a Go execution trace off the page's thread.
        Role::Worker(name) if name == trace_worker::NAME => trace_worker::serve(),
        Role::Worker(name) => web_sys::console::error_1(&format!("the playground's wasm does not know what a worker named {name:?} does").into()),
    }
}

#[cfg(not(target_arch = "wasm32"))]
fn main() {
    eprintln!("app: the playground page runs in a browser; build it with `trunk build --release`");
    std::process::exit(2);
}
