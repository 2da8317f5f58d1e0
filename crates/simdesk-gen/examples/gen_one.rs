//! Prints a generated spec as JSON: `cargo run --example gen_one -- TEMPLATE SEED`.
fn main() {
    let args: Vec<String> = std::env::args().collect();
    let name = args.get(1).map_or("financial-advisor", String::as_str);
    let seed: u64 = args.get(2).and_then(|s| s.parse().ok()).unwrap_or(1);
    let faults: u32 = args.get(3).and_then(|s| s.parse().ok()).unwrap_or(0);
    let t = simdesk_gen::builtin_template(name).expect("template");
    let spec =
        simdesk_gen::generate(&t, seed, 0, &simdesk_gen::GenOptions { faults }).expect("generate");
    println!("{}", serde_json::to_string_pretty(&spec).expect("json"));
    eprintln!(
        "artifacts {} kinds {:?} edges {:?} objectives {} collaborators {} emails {}",
        spec.artifact_count(),
        spec.kind_counts(),
        spec.edge_counts(),
        spec.objectives.len(),
        spec.collaborators.len(),
        spec.emails.len()
    );
    if let Err(e) = simdesk_gen::lower(&spec) {
        eprintln!("lower errors: {e:?}");
    }
}
