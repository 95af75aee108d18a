fn main() {
    // mzdata panics on some malformed values; the mzML reader catches those
    // and reports an error naming the spectrum, so don't print them as crashes.
    let default_hook = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        if !synthwatch_parsers::mzml::panic_is_caught() {
            default_hook(info);
        }
    }));
    std::process::exit(synthwatch::cli::run())
}
