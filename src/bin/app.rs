//! The playground page's entry point (`trunk build` compiles it to WebAssembly).

#[cfg(target_arch = "wasm32")]
fn main() {
    // The same wasm reads Go traces in a worker (`gmp::web::trace_worker`): no page there.
    if gmp::web::trace_worker::in_worker() {
        gmp::web::trace_worker::serve();
    } else {
        gmp::web::start();
    }
}

#[cfg(not(target_arch = "wasm32"))]
fn main() {
    eprintln!("app: the playground page runs in a browser; build it with `trunk build --release`");
    std::process::exit(2);
}
