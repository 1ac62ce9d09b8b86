//! Loads one estate several times, for profiling the loader alone.

fn main() {
    let path = std::env::args().nth(1).unwrap_or_else(|| "estate".to_owned());
    let mut objects = 0;
    for _ in 0..5 {
        let estate =
            annexa_load::load(&[annexa_load::Input::Path(path.clone().into())], &annexa_load::Options::default());
        objects += estate.stats.objects;
    }
    println!("{objects}");
}
