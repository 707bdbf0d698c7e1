//! The mock as a test dependency: validated calls per second and p99 of the
//! mock beside the loopback benchmark's bare hyper server (which checks
//! nothing and answers a fixed envelope), with the same hand-written client,
//! at 1 and 16 concurrent calls: a stateless operation (the mini-program
//! ticket) and the stateful `contractDetail` with 10,000 contracts stored.
//! Both servers run on the client's own one-thread runtime, as a mock does in
//! a `#[tokio::test]`: what is compared is the work per call, not how soon
//! another thread wakes (on two cores, that noise swamps a 1-concurrent
//! figure). Then the memory each stored contract takes, counted by the
//! allocator.
//!
//! `cargo run --release -p qiyuesuo-bench --bin mock_throughput [ROUNDS]`
//! writes `target/bench/mock.json`.

use std::alloc::{GlobalAlloc, Layout, System};
use std::sync::Arc;
use std::sync::atomic::{AtomicIsize, Ordering};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use qiyuesuo::mock::MockServer;
use qiyuesuo::models::{
    ActionType, ContractContactType, ContractUser, DraftAction, DraftContractRequest, DraftSignatory, TenantType,
};
use qiyuesuo_bench::{bare_md5_hex, concurrently, fixed_server_here, hand_request};

const CONCURRENCY: [usize; 2] = [1, 16];
const CALLS_PER_ROUND: usize = 400;
const CONTRACTS: usize = 10_000;

/// Counts the bytes live on the heap.
struct Counting;

static LIVE: AtomicIsize = AtomicIsize::new(0);

// SAFETY: forwards to the system allocator; only counts.
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        LIVE.fetch_add(layout.size() as isize, Ordering::Relaxed);
        unsafe { System.alloc(layout) }
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        LIVE.fetch_sub(layout.size() as isize, Ordering::Relaxed);
        unsafe { System.dealloc(ptr, layout) }
    }
    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        LIVE.fetch_add(new_size as isize - layout.size() as isize, Ordering::Relaxed);
        unsafe { System.realloc(ptr, layout, new_size) }
    }
}

#[global_allocator]
static ALLOCATOR: Counting = Counting;

/// One server under test and the request the client sends it.
struct Target {
    http: reqwest::Client,
    token: String,
    secret: String,
    method: reqwest::Method,
    url: String,
    body: Option<Vec<u8>>,
}

impl Target {
    /// The hand-written call: sign, send, read, check `code`.
    async fn call(&self) -> Result<(), String> {
        let timestamp = SystemTime::now().duration_since(UNIX_EPOCH).map_err(|e| e.to_string())?.as_millis() as u64;
        let nonce = uuid::Uuid::new_v4().to_string();
        let signature = bare_md5_hex(&self.token, &self.secret, timestamp, &nonce);
        let mut request = self
            .http
            .request(self.method.clone(), &self.url)
            .header("x-qys-open-accesstoken", &self.token)
            .header("x-qys-open-timestamp", timestamp.to_string())
            .header("x-qys-open-nonce", nonce)
            .header("x-qys-open-signature", signature);
        if let Some(body) = &self.body {
            request = request.header("content-type", "application/json;charset=UTF-8").body(body.clone());
        }
        let bytes = request.send().await.map_err(|e| e.to_string())?.bytes().await.map_err(|e| e.to_string())?;
        let envelope: serde_json::Value = serde_json::from_slice(&bytes).map_err(|e| e.to_string())?;
        match envelope.get("code").and_then(serde_json::Value::as_i64) {
            Some(0) => Ok(()),
            _ => Err(format!("not a success: {envelope}")),
        }
    }
}

fn main() {
    let rounds: usize = std::env::args().nth(1).and_then(|a| a.parse().ok()).unwrap_or(10);
    let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().expect("runtime");
    runtime.block_on(async move {
        let bare_url = fixed_server_here().await;
        let server = MockServer::start().await.expect("mock");
        let mock = Mock {
            base_url: server.base_url(),
            token: server.access_token().to_owned(),
            secret: server.access_secret().to_owned(),
        };
        let client = qiyuesuo::Client::new(&mock.base_url, &mock.token, &mock.secret).expect("client");
        let http = reqwest::Client::builder().build().expect("reqwest");
        let ticket = serde_json::to_vec(&hand_request()).expect("body");
        let target = |url: String, method: reqwest::Method, body: Option<Vec<u8>>, own: bool| Target {
            http: http.clone(),
            token: if own { mock.token.clone() } else { "t".to_owned() },
            secret: if own { mock.secret.clone() } else { "s".to_owned() },
            method,
            url,
            body,
        };

        // Memory per contract: 10,000 drafts, less the same number of
        // stateless calls (the nonces and the journal grow with any call).
        for _ in 0..10_000 {
            // Fill the journal to its cap first, so neither side pays for that.
            target(format!("{}/companyauth/miniappexchange", mock.base_url), reqwest::Method::POST, Some(ticket.clone()), true)
                .call()
                .await
                .expect("warm-up");
        }
        let stateless = target(format!("{}/companyauth/miniappexchange", mock.base_url), reqwest::Method::POST, Some(ticket.clone()), true);
        let before = LIVE.load(Ordering::Relaxed);
        for _ in 0..CONTRACTS {
            stateless.call().await.expect("stateless call");
        }
        let calls_only = LIVE.load(Ordering::Relaxed) - before;
        let before = LIVE.load(Ordering::Relaxed);
        let mut last = None;
        for n in 0..CONTRACTS {
            let draft = two_party(&format!("bench-{n}"));
            last = Some(client.contract_draft(&draft).await.expect("draft").id);
        }
        let drafts = LIVE.load(Ordering::Relaxed) - before;
        let per_contract = (drafts - calls_only) as f64 / CONTRACTS as f64;
        println!(
            "memory: {CONTRACTS} drafts {:.1} MB, {CONTRACTS} stateless calls {:.1} MB: {per_contract:.0} bytes per stored contract",
            drafts as f64 / 1e6,
            calls_only as f64 / 1e6
        );
        let id = last.expect("a contract");
        let listed = client.contract_list(&qiyuesuo::models::ContractListRequest::new()).await.expect("list");
        assert_eq!(listed.total_count, Some(CONTRACTS as i64), "every draft stored");
        let detail_url = format!("{}/v2/contract/detail?contractId={id}", mock.base_url);

        let cases = [
            ("ticket (stateless)", target(format!("{}/companyauth/miniappexchange", mock.base_url), reqwest::Method::POST, Some(ticket.clone()), true), target(format!("{bare_url}/companyauth/miniappexchange"), reqwest::Method::POST, Some(ticket.clone()), false)),
            ("contractDetail, 10,000 stored", target(detail_url, reqwest::Method::GET, None, true), target(format!("{bare_url}/v2/contract/detail?contractId={id}"), reqwest::Method::GET, None, false)),
        ];
        let mut json = Vec::new();
        for (name, mocked, bare) in cases {
            let (mocked, bare) = (Arc::new(mocked), Arc::new(bare));
            for concurrency in CONCURRENCY {
                run(&mocked, concurrency, 200).await;
                run(&bare, concurrency, 200).await;
                let mut samples = [(Duration::ZERO, Vec::new()), (Duration::ZERO, Vec::new())];
                for round in 0..rounds {
                    for which in if round % 2 == 0 { [0, 1] } else { [1, 0] } {
                        let (elapsed, latencies) = run(if which == 0 { &mocked } else { &bare }, concurrency, CALLS_PER_ROUND).await;
                        samples[which].0 += elapsed;
                        samples[which].1.extend(latencies);
                    }
                }
                let figures: Vec<(f64, f64, f64)> = samples
                    .iter_mut()
                    .map(|(elapsed, latencies)| {
                        latencies.sort();
                        let at = |q: usize| latencies[(latencies.len() - 1) * q / 100].as_secs_f64() * 1e6;
                        (latencies.len() as f64 / elapsed.as_secs_f64(), at(50), at(99))
                    })
                    .collect();
                let ((mock_rate, mock_p50, mock_p99), (bare_rate, bare_p50, bare_p99)) = (figures[0], figures[1]);
                println!(
                    "{name:<30} {concurrency:>2} concurrent: mock {mock_rate:>6.0} calls/s p50 {mock_p50:>4.0} p99 {mock_p99:>4.0} µs, bare {bare_rate:>6.0} calls/s p50 {bare_p50:>4.0} p99 {bare_p99:>4.0} µs: {:.3}",
                    mock_rate / bare_rate
                );
                json.push(format!(
                    r#"{{"case":"{name}","concurrency":{concurrency},"mock":{{"calls_per_s":{mock_rate:.1},"p50_us":{mock_p50:.1},"p99_us":{mock_p99:.1}}},"bare":{{"calls_per_s":{bare_rate:.1},"p50_us":{bare_p50:.1},"p99_us":{bare_p99:.1}}},"ratio":{:.3}}}"#,
                    mock_rate / bare_rate
                ));
            }
        }
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../target/bench");
        let _ = std::fs::create_dir_all(&dir);
        let _ = std::fs::write(
            dir.join("mock.json"),
            format!(r#"{{"bytes_per_contract":{per_contract:.0},"throughput":[{}]}}"#, json.join(",")) + "\n",
        );
    });
}

/// Where the mock listens and what it accepts.
struct Mock {
    base_url: String,
    token: String,
    secret: String,
}

/// `calls` calls to `target`, `concurrency` at a time.
async fn run(target: &Arc<Target>, concurrency: usize, calls: usize) -> (Duration, Vec<Duration>) {
    let target = Arc::clone(target);
    concurrently(concurrency, calls, move || {
        let target = Arc::clone(&target);
        async move { target.call().await }
    })
    .await
}

/// The lifecycle tests' draft: the company seals, then a person signs.
fn two_party(biz_id: &str) -> DraftContractRequest {
    let company = DraftSignatory::new(TenantType::Company)
        .tenant_name("Example Co., Ltd.")
        .actions([DraftAction::new(ActionType::Company)]);
    let person = DraftSignatory::new(TenantType::Personal)
        .tenant_name("张三")
        .receiver(ContractUser::new("10020033044", ContractContactType::Mobile));
    DraftContractRequest::new().subject("Service agreement").biz_id(biz_id).signatories([company, person])
}
