//! Loopback benchmark: the generated client against a hand-written reqwest
//! call doing the same signing and decoding, alternating in one run, at 1 and
//! at 16 concurrent calls, against a minimal server on 127.0.0.1 that answers
//! a fixed success envelope (not the mock, whose checks would dominate). A
//! second copy of the hand-written call (its own client and pool) runs in the
//! same rotation: its ratio to the first (A/A) is the run's noise. A third
//! copy sets reqwest's per-request timeout (30 s, as the generated client's
//! attempt timeout): its ratio to the first is what bounding a call costs.
//!
//! `cargo run --release -p qiyuesuo-bench --bin loopback [ROUNDS [NAME]]`
//! Prints calls per second, p50 and p99 for each, and the ratios; writes
//! `target/bench/NAME.json` (`loopback.json` by default) for
//! `bench/scripts/report.py`, which reads every `loopback*.json` of a run.

use std::sync::Arc;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use qiyuesuo::Client;
use qiyuesuo_bench::{
    SECRET, TOKEN, bare_md5_hex, concurrently, fixed_server, generated_request, hand_decode, hand_request,
};

const CONCURRENCY: [usize; 2] = [1, 16];
const CALLS_PER_ROUND: usize = 200;

fn main() {
    let rounds: usize = std::env::args().nth(1).and_then(|a| a.parse().ok()).unwrap_or(40);
    let url = fixed_server();
    let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().expect("runtime");
    let mut results = Vec::new();
    runtime.block_on(async {
        let generated = Client::new(&url, TOKEN, SECRET).expect("client");
        let baseline = |timeout| {
            let http = reqwest::Client::builder()
                .connect_timeout(Duration::from_secs(3))
                .user_agent("hand-written/0")
                .build()
                .expect("reqwest");
            Baseline { http, url: format!("{url}/companyauth/miniappexchange"), timeout }
        };
        let baselines = Arc::new([baseline(None), baseline(None), baseline(Some(Duration::from_secs(30)))]);
        for concurrency in CONCURRENCY {
            // Warm every connection pool.
            for variant in VARIANTS {
                run(&generated, &baselines, variant, concurrency, 200).await;
            }
            let mut samples = [Samples::default(), Samples::default(), Samples::default(), Samples::default()];
            for round in 0..rounds {
                // Rotate which goes first, so drift favours none.
                let mut order = VARIANTS;
                order.rotate_left(round % VARIANTS.len());
                for variant in order {
                    let (elapsed, latencies) = run(&generated, &baselines, variant, concurrency, CALLS_PER_ROUND).await;
                    let slot = &mut samples[variant as usize];
                    slot.elapsed += elapsed;
                    slot.latencies.extend(latencies);
                }
            }
            results.push((concurrency, samples));
        }
    });
    let name = std::env::args().nth(2).unwrap_or_else(|| "loopback".to_owned());
    report(&results, &name);
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Variant {
    Generated = 0,
    Baseline = 1,
    /// The same hand-written call again, for the A/A ratio.
    BaselineAgain = 2,
    /// The hand-written call with a per-request timeout.
    BaselineBounded = 3,
}

const VARIANTS: [Variant; 4] =
    [Variant::Generated, Variant::Baseline, Variant::BaselineAgain, Variant::BaselineBounded];

#[derive(Default)]
struct Samples {
    elapsed: Duration,
    latencies: Vec<Duration>,
}

struct Baseline {
    http: reqwest::Client,
    url: String,
    /// reqwest's per-request timeout, if any.
    timeout: Option<Duration>,
}

impl Baseline {
    /// What a careful engineer writes by hand: sign, send, read, decode, check the code.
    async fn call(&self) -> Result<String, String> {
        let timestamp = SystemTime::now().duration_since(UNIX_EPOCH).map_err(|e| e.to_string())?.as_millis() as u64;
        let nonce = uuid::Uuid::new_v4().to_string();
        let signature = bare_md5_hex(TOKEN, SECRET, timestamp, &nonce);
        let body = serde_json::to_vec(&hand_request()).map_err(|e| e.to_string())?;
        let mut request = self.http.post(&self.url);
        if let Some(timeout) = self.timeout {
            request = request.timeout(timeout);
        }
        let response = request
            .header("x-qys-open-accesstoken", TOKEN)
            .header("x-qys-open-timestamp", timestamp.to_string())
            .header("x-qys-open-nonce", nonce)
            .header("x-qys-open-signature", signature)
            .header("content-type", "application/json;charset=UTF-8")
            .body(body)
            .send()
            .await
            .map_err(|e| e.to_string())?;
        let bytes = response.bytes().await.map_err(|e| e.to_string())?;
        hand_decode(&bytes)
    }
}

/// `calls` calls of one variant, `concurrency` at a time.
async fn run(
    generated: &Client,
    baselines: &Arc<[Baseline; 3]>,
    variant: Variant,
    concurrency: usize,
    calls: usize,
) -> (Duration, Vec<Duration>) {
    let request = Arc::new(generated_request());
    let (generated, baselines) = (generated.clone(), Arc::clone(baselines));
    concurrently(concurrency, calls, move || {
        let (request, generated, baselines) = (Arc::clone(&request), generated.clone(), Arc::clone(&baselines));
        async move {
            match variant {
                Variant::Generated => {
                    generated.company_auth_miniapp_ticket(&request).await.map(drop).map_err(|e| e.to_string())
                }
                Variant::Baseline => baselines[0].call().await.map(drop),
                Variant::BaselineAgain => baselines[1].call().await.map(drop),
                Variant::BaselineBounded => baselines[2].call().await.map(drop),
            }
        }
    })
    .await
}

fn report(results: &[(usize, [Samples; 4])], name: &str) {
    let mut json = Vec::new();
    println!("{:<12} {:<10} {:>10} {:>10} {:>10}", "concurrency", "variant", "calls/s", "p50 µs", "p99 µs");
    for (concurrency, samples) in results {
        let mut figures = Vec::new();
        for (name, sample) in ["generated", "baseline", "baseline again", "bounded"].iter().zip(samples.iter()) {
            let mut latencies = sample.latencies.clone();
            latencies.sort();
            let rate = latencies.len() as f64 / sample.elapsed.as_secs_f64();
            let p50 = percentile(&latencies, 0.50);
            let p99 = percentile(&latencies, 0.99);
            println!("{concurrency:<12} {name:<10} {rate:>10.0} {p50:>10.1} {p99:>10.1}");
            figures.push((rate, p50, p99));
        }
        let (generated, baseline, again, bounded) = (figures[0], figures[1], figures[2], figures[3]);
        // Each variant's throughput, p50 and p99 over the baseline's.
        let over_baseline = |v: (f64, f64, f64)| (v.0 / baseline.0, v.1 / baseline.1, v.2 / baseline.2);
        let (ratios, aa, timed) = (over_baseline(generated), over_baseline(again), over_baseline(bounded));
        println!(
            "{concurrency:<12} {:<10} {:>10.3} {:>10.3} {:>10.3}   (generated / baseline)",
            "ratio", ratios.0, ratios.1, ratios.2
        );
        println!(
            "{concurrency:<12} {:<10} {:>10.3} {:>10.3} {:>10.3}   (baseline again / baseline)",
            "A/A", aa.0, aa.1, aa.2
        );
        println!(
            "{concurrency:<12} {:<10} {:>10.3} {:>10.3} {:>10.3}   (baseline with a timeout / baseline)",
            "bounded", timed.0, timed.1, timed.2
        );
        json.push(format!(
            r#"{{"concurrency":{concurrency},"generated":{{"calls_per_s":{:.1},"p50_us":{:.1},"p99_us":{:.1}}},"baseline":{{"calls_per_s":{:.1},"p50_us":{:.1},"p99_us":{:.1}}},"ratio":{{"throughput":{:.3},"p50":{:.3},"p99":{:.3}}},"aa":{{"throughput":{:.3},"p50":{:.3},"p99":{:.3}}},"bounded":{{"throughput":{:.3},"p50":{:.3},"p99":{:.3}}}}}"#,
            generated.0, generated.1, generated.2, baseline.0, baseline.1, baseline.2, ratios.0, ratios.1, ratios.2, aa.0, aa.1, aa.2,
            timed.0, timed.1, timed.2
        ));
    }
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../target/bench");
    let _ = std::fs::create_dir_all(&dir);
    let _ = std::fs::write(dir.join(format!("{name}.json")), format!("[{}]\n", json.join(",")));
}

fn percentile(sorted: &[Duration], q: f64) -> f64 {
    if sorted.is_empty() {
        return 0.0;
    }
    let index = ((sorted.len() - 1) as f64 * q).round() as usize;
    sorted[index].as_secs_f64() * 1e6
}
