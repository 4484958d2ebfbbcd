//! Threads mode's worker (one per M): see `gmp::web::thread_worker`. Built by trunk as a
//! dedicated Web Worker (`data-type="worker"`).

#[cfg(target_arch = "wasm32")]
fn main() {
    use gloo_worker::Registrable;
    gmp::web::thread_worker::ThreadWorker::registrar().register();
}

#[cfg(not(target_arch = "wasm32"))]
fn main() {
    eprintln!("worker: a Web Worker of the playground page; build the page with `trunk build --release`");
    std::process::exit(2);
}
