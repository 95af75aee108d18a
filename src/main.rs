fn main() -> anyhow::Result<()> {
    std::process::exit(synthwatch::cli::run()?)
}
