//! Render figures: the median time of one pact once warm, and 500 pacts rendered
//! and written as one ZIP. `cargo bench -p concerto-documents`.

#![allow(clippy::unwrap_used)] // A failed unwrap in a test is a failed test.

// The tests' fixtures: the bench uses some of them, and a broken fixture may panic here.
#[allow(dead_code, clippy::unwrap_used)]
#[path = "../tests/fixtures/mod.rs"]
mod fixtures;

use std::time::{Duration, Instant};

use concerto_documents::{Pact, ZipBuilder, file_name, pact};

fn median(mut samples: Vec<Duration>) -> Duration {
    samples.sort();
    samples[samples.len() / 2]
}

fn main() {
    let processes = fixtures::processes();
    let process = &processes[0];
    let expression = fixtures::expressions(process).remove(0);

    let cold = Instant::now();
    pact(&Pact::new(process, &expression)).expect("pact renders");
    println!("first pact (fonts, library, caches cold): {:.1} ms", cold.elapsed().as_secs_f64() * 1e3);

    // Each warm pact is a different organization, as in a real batch.
    let inputs: Vec<Pact> = (0..500)
        .map(|i| {
            let mut e = expression.clone();
            e.id = i + 10;
            e.protocol.sequence = i + 10;
            e.expression.applicant.name = format!("Associazione numero {i}");
            Pact::new(process, &e)
        })
        .collect();
    let samples: Vec<Duration> = inputs[..100]
        .iter()
        .map(|input| {
            let start = Instant::now();
            pact(input).expect("pact renders");
            start.elapsed()
        })
        .collect();
    println!("one pact, warm: median {:.2} ms over {} renders", median(samples).as_secs_f64() * 1e3, 100);

    let start = Instant::now();
    let mut zip = ZipBuilder::new(std::io::Cursor::new(Vec::new()));
    for input in &inputs {
        let bytes = pact(input).expect("pact renders");
        zip.add(&format!("{}-{}.pdf", input.protocol.replace('/', "-"), file_name(&input.organization.name)), &bytes)
            .expect("zip entry");
    }
    let archive = zip.finish().expect("zip").into_inner();
    let total = start.elapsed();
    println!(
        "500 pacts as one ZIP: {:.2} s ({:.2} ms per pact), {:.1} MB",
        total.as_secs_f64(),
        total.as_secs_f64() * 1e3 / 500.0,
        archive.len() as f64 / 1e6
    );
}
