fn main() {
    std::process::exit(synthwatch::cli::run())
}
