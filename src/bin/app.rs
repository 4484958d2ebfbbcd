//! The playground page's entry point (`trunk build` compiles it to WebAssembly).

#[cfg(target_arch = "wasm32")]
fn main() {
    gmp::web::start();
}

#[cfg(not(target_arch = "wasm32"))]
fn main() {
    eprintln!("app: the playground page runs in a browser; build it with `trunk build --release`");
    std::process::exit(2);
}
