//! Placement benchmark: reads the generated 5,000-node dump and 20 DaemonSets (written by
//! `cargo xtask bench`, or `cargo xtask gen`), then times reading and the placement step on
//! their own, in process. Prints its figures; asserts nothing.

use daemonset_sim::manifest::{read, read_for_placement, Source};
use daemonset_sim::placement::{place, PlaceOptions};
use std::path::PathBuf;
use std::time::{Duration, Instant};

const RUNS: usize = 7;

fn median(mut times: Vec<Duration>) -> Duration {
    daemonset_sim::order::sort(&mut times);
    times[times.len() / 2]
}

fn main() {
    let dir = std::env::var_os("DSIM_BENCH_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../target/bench"));
    let nodes_path = dir.join("nodes-5000.yaml");
    let ds_path = dir.join("daemonsets-20.yaml");
    let (Ok(nodes), Ok(daemon_sets)) = (
        std::fs::read_to_string(&nodes_path),
        std::fs::read_to_string(&ds_path),
    ) else {
        println!(
            "bench inputs missing in {}: run `cargo xtask bench` (it generates them)",
            dir.display()
        );
        return;
    };
    let sources = [
        Source {
            name: "daemonsets-20.yaml",
            text: &daemon_sets,
        },
        Source {
            name: "nodes-5000.yaml",
            text: &nodes,
        },
    ];
    let mut read_times = Vec::new();
    let mut manifests = None;
    for _ in 0..RUNS {
        drop(manifests.take());
        let start = Instant::now();
        match read(&sources) {
            Ok(m) => manifests = Some(m),
            Err(errors) => {
                println!("input errors: {}", errors.len());
                return;
            }
        }
        read_times.push(start.elapsed());
    }
    let Some(manifests) = manifests else {
        return;
    };
    let mut lean_times = Vec::new();
    for _ in 0..RUNS {
        let start = Instant::now();
        let lean = read_for_placement(&sources);
        lean_times.push(start.elapsed());
        drop(lean);
    }
    let mut place_times = Vec::new();
    let mut summary = String::new();
    for _ in 0..RUNS {
        let start = Instant::now();
        let report = place(&manifests, &PlaceOptions::default(), &["bench"]);
        place_times.push(start.elapsed());
        if let Ok(report) = report {
            let desired: u32 = report
                .daemon_sets
                .iter()
                .map(|d| d.desired_number_scheduled)
                .sum();
            summary = format!(
                "{} DaemonSets x {} nodes, {desired} daemon pods desired",
                report.daemon_sets.len(),
                manifests.nodes.len()
            );
        }
    }
    let first = place_times[0];
    println!("placement bench: {summary}");
    println!(
        "  read (YAML to typed objects, {:.1} MB): median {:.1} ms over {RUNS} runs",
        nodes.len() as f64 / 1e6,
        median(read_times).as_secs_f64() * 1e3
    );
    println!(
        "  read for placement (what dsim place does): median {:.1} ms over {RUNS} runs",
        median(lean_times).as_secs_f64() * 1e3
    );
    println!(
        "  placement step (after parsing):        median {:.1} ms over {RUNS} runs (target < 20 ms)",
        median(place_times).as_secs_f64() * 1e3
    );
    println!(
        "    (the first run, right after reading: {:.1} ms)",
        first.as_secs_f64() * 1e3
    );
}
