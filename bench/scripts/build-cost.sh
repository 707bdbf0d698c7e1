#!/usr/bin/env bash
# Build cost for the crates that import `qiyuesuo`: the cold `cargo build` time
# and crate count of a consumer of `qiyuesuo` (default features: the committed
# client, no generator), of one that generates it from a synthetic schema of 140
# operations (the whole API's size: `scale_schema`, through `QIYUESUO_SCHEMA`
# and the `codegen` feature), beside a consumer of only the runtime crates the
# client itself uses (reqwest with the same TLS, serde_json, md-5, uuid,
# tokio) and the same with rustls on ring instead of aws-lc-rs, alternating,
# ROUNDS times (2 by default); then, for each, the rebuild after the consumer
# edits its own code; the maintainers' regenerate workflow (`cargo build -p
# qiyuesuo --features codegen` in this workspace, its profile, incremental,
# after touching the schema); and what a newcomer waits for: the README's main
# job (`cargo run --bin qys …`) in a fresh clone of HEAD, cold, with cargo's
# defaults. Writes target/bench/build-cost.json.
#
# The cold builds run with CARGO_INCREMENTAL=0: `qiyuesuo` and the crates it is
# made of are path dependencies here, which cargo would compile incrementally
# (writing caches no user pays for), while a real consumer gets them from a
# registry, never compiled incrementally. Both consumers build the same way,
# and so does the rebuild (a change of the setting would rebuild every crate).
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
rounds="${1:-2}"
work="$root/target/build-cost"
large="$root/target/bench/schema-140.json"
rm -rf "$work"
mkdir -p "$work/full/src" "$work/generate/src" "$work/runtime/src" "$work/ring/src" "$root/target/bench"

cat > "$work/full/Cargo.toml" <<TOML
[package]
name = "consumer-full"
version = "0.0.0"
edition = "2024"
[dependencies]
qiyuesuo = { path = "$root/generated" }
tokio = { version = "1", features = ["rt", "macros"] }
[workspace]
TOML
cat > "$work/full/src/main.rs" <<'RS'
use qiyuesuo::models::{CompanyAuthMiniappTicketRequest, ContactType, User};
#[tokio::main(flavor = "current_thread")]
async fn main() {
    let client = qiyuesuo::Client::new("http://127.0.0.1:9", "t", "s").ok();
    let request = CompanyAuthMiniappTicketRequest::new("c", User::new("1", ContactType::Mobile));
    if let Some(client) = client {
        let _ = client.company_auth_miniapp_ticket(&request).await;
    }
}
RS

# The same consumer, generating the client from another schema.
sed -e 's/name = "consumer-full"/name = "consumer-generate"/' \
  -e 's|qiyuesuo = { path = "\(.*\)" }|qiyuesuo = { path = "\1", features = ["codegen"] }|' \
  "$work/full/Cargo.toml" > "$work/generate/Cargo.toml"
cp "$work/full/src/main.rs" "$work/generate/src/main.rs"

cat > "$work/runtime/Cargo.toml" <<TOML
[package]
name = "consumer-runtime"
version = "0.0.0"
edition = "2024"
[dependencies]
md-5 = "0.10"
reqwest = { version = "0.13", default-features = false, features = ["rustls"] }
serde = { version = "1", features = ["derive"] }
serde_json = "1"
tokio = { version = "1", features = ["rt", "macros", "time"] }
uuid = { version = "1", features = ["v4"] }
[workspace]
TOML
cat > "$work/runtime/src/main.rs" <<'RS'
use md5::{Digest, Md5};
#[derive(serde::Serialize)]
struct Body<'a> { company_name: &'a str }
#[derive(serde::Deserialize)]
struct Envelope { code: i64, result: Option<serde_json::Value> }
#[tokio::main(flavor = "current_thread")]
async fn main() {
    let nonce = uuid::Uuid::new_v4().to_string();
    let signature = format!("{:x}", Md5::digest(format!("ts0{nonce}").as_bytes()));
    let http = reqwest::Client::new();
    let sent = http.post("http://127.0.0.1:9").header("x-qys-open-signature", signature)
        .body(serde_json::to_vec(&Body { company_name: "c" }).unwrap_or_default()).send().await;
    if let Ok(answer) = sent {
        let bytes = answer.bytes().await.unwrap_or_default();
        let _ = serde_json::from_slice::<Envelope>(&bytes).map(|e| (e.code, e.result));
    }
}
RS
# The runtime-only consumer with rustls on ring: what the TLS provider costs.
sed -e 's/name = "consumer-runtime"/name = "consumer-ring"/' \
  -e 's/features = \["rustls"\]/features = ["rustls-no-provider"]/' "$work/runtime/Cargo.toml" > "$work/ring/Cargo.toml"
sed -i 's/^\[dependencies\]$/[dependencies]\nrustls = { version = "0.23", default-features = false, features = ["ring", "std", "tls12"] }/' "$work/ring/Cargo.toml"
sed 's/^async fn main() {$/async fn main() {\n    let _ = rustls::crypto::ring::default_provider().install_default();/' "$work/runtime/src/main.rs" > "$work/ring/src/main.rs"

# The same dependency versions as the workspace.
for consumer in full generate runtime ring; do
  cp "$root/Cargo.lock" "$work/$consumer/Cargo.lock"
  (cd "$work/$consumer" && cargo fetch -q)
done
(cd "$root" && cargo run -q --release -p qiyuesuo-bench --bin scale_schema -- 140 "$large")

seconds() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.1f", (b - a) / 1e9 }'; }

# consumer -> its folder and the schema it builds with ("" for the real one).
folder() { case "$1" in full-140) echo generate ;; *) echo "$1" ;; esac; }
schema_of() { case "$1" in full-140) echo "$large" ;; *) echo "" ;; esac; }

build() { # consumer -> "seconds crates"
  local dir target start end log
  dir="$work/$(folder "$1")"
  target="$work/target-$1"
  rm -rf "$target"
  log="$(mktemp)"
  start=$(date +%s%N)
  (cd "$dir" && QIYUESUO_SCHEMA="$(schema_of "$1")" CARGO_INCREMENTAL=0 CARGO_TARGET_DIR="$target" cargo build --offline 2>"$log")
  end=$(date +%s%N)
  echo "$(seconds "$start" "$end") $(grep -c '^ *Compiling' "$log")"
}

rebuild() { # consumer -> seconds, after the caller's edit
  local start end
  start=$(date +%s%N)
  (cd "$work/$(folder "$1")" && QIYUESUO_SCHEMA="$(schema_of "$1")" CARGO_INCREMENTAL=0 CARGO_TARGET_DIR="$work/target-$1" cargo build --offline -q)
  end=$(date +%s%N)
  seconds "$start" "$end"
}

results=()
for round in $(seq 1 "$rounds"); do
  consumers=(full full-140 runtime ring)
  # Alternate the order, so drift favours none.
  if (( round % 2 == 0 )); then consumers=(ring runtime full-140 full); fi
  for name in "${consumers[@]}"; do
    read -r seconds crates < <(build "$name")
    echo "round $round  $name: ${seconds}s, $crates crates" >&2
    results+=("{\"round\":$round,\"consumer\":\"$name\",\"seconds\":$seconds,\"crates\":$crates}")
  done
done

# The consumer's own edit: its code changes, the client does not. (Before
# anything touches a schema, which would rebuild the client too.)
echo "// edited" >> "$work/full/src/main.rs"
edit_real=$(rebuild full)
echo "// edited" >> "$work/generate/src/main.rs"
edit_large=$(rebuild full-140)

# The regenerate workflow, in this workspace: build, then touch the schema and
# rebuild, three times; the median.
regenerate() { # schema file ("" for the real one) -> seconds
  local start end touched="${1:-$root/schema/qiyuesuo.openapi.json}" times=()
  (cd "$root" && QIYUESUO_SCHEMA="$1" CARGO_TARGET_DIR="$root/target/regen" cargo build -q -p qiyuesuo --features codegen)
  for _ in 1 2 3; do
    touch "$touched"
    start=$(date +%s%N)
    (cd "$root" && QIYUESUO_SCHEMA="$1" CARGO_TARGET_DIR="$root/target/regen" cargo build -q -p qiyuesuo --features codegen)
    end=$(date +%s%N)
    times+=("$(seconds "$start" "$end")")
  done
  printf '%s\n' "${times[@]}" | sort -n | sed -n 2p
}
schema_real=$(regenerate "")
schema_large=$(regenerate "$large")
echo "rebuild after touching the schema: ${schema_real}s (real), ${schema_large}s (140 operations)" >&2
echo "rebuild after editing the consumer: ${edit_real}s (real), ${edit_large}s (140 operations)" >&2

# The README's main job from a fresh clone, cold, as a newcomer runs it
# (cargo's defaults, incremental included): wall and CPU seconds, for HEAD
# and, when MAIN_JOB_BASELINE names a revision, for it too (the same run).
main_job() { # revision -> "wall cpu"
  local clone="$work/clone-$1" timing wall user sys
  rm -rf "$clone"
  git clone -q "$root" "$clone" && git -C "$clone" checkout -q "$1"
  timing=$( (cd "$clone" && cargo fetch -q --locked && /usr/bin/time -f '%e %U %S' \
    cargo run -q --locked --bin qys -- company-auth-miniapp-ticket --company-name 上海契约锁公司 \
    --applicant-contact 12312378900 --applicant-contact-type MOBILE 2>&1 >/dev/null | tail -1) )
  read -r wall user sys <<< "$timing"
  echo "$wall $(awk -v u="$user" -v s="$sys" 'BEGIN { printf "%.1f", u + s }')"
}
read -r main_wall main_cpu < <(main_job HEAD)
echo "the README's main job, fresh clone, cold: ${main_wall}s (${main_cpu}s of CPU)" >&2
baseline_json=""
if [ -n "${MAIN_JOB_BASELINE:-}" ]; then
  read -r base_wall base_cpu < <(main_job "$MAIN_JOB_BASELINE")
  echo "…at $MAIN_JOB_BASELINE: ${base_wall}s (${base_cpu}s of CPU)" >&2
  baseline_json=",\"baseline\":{\"revision\":\"$MAIN_JOB_BASELINE\",\"wall\":$base_wall,\"cpu\":$base_cpu}"
fi

printf '{"cold":[%s],"schema_touch":{"real":%s,"large":%s},"consumer_edit":{"real":%s,"large":%s},"main_job":{"wall":%s,"cpu":%s%s}}\n' \
  "$(IFS=,; echo "${results[*]}")" "$schema_real" "$schema_large" "$edit_real" "$edit_large" "$main_wall" "$main_cpu" \
  "$baseline_json" \
  > "$root/target/bench/build-cost.json"
cat "$root/target/bench/build-cost.json"
