//! align-link's entry point: all the work is in the library.

fn main() {
    std::process::exit(align_link::cli::main());
}
