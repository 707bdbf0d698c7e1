//! What the mock answered: a bounded record for `MockServer::log`, and the
//! line per request `qys mock` prints. Printing never blocks serving: lines
//! go through a bounded queue to a thread of their own, and when standard
//! error is not being read the queue fills and further lines are dropped and
//! counted, then reported once the reader catches up.

use std::collections::VecDeque;
use std::io::Write;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::mpsc::{Receiver, SyncSender, TrySendError};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use super::LogEntry;

/// Entries `MockServer::log` keeps: the newest, older ones forgotten.
pub const LOG_CAPACITY: usize = 10_000;
/// Entries that keep the request's decoded fields: the newest ones.
pub const BODY_CAPACITY: usize = 1_000;
/// The largest request (as JSON text) an entry keeps.
const MAX_BODY_CHARS: usize = 16 * 1024;
/// Lines waiting to be printed before further ones are dropped.
const PRINT_QUEUE: usize = 1024;
/// The longest path an entry keeps (a request may send 60 KiB of one).
const MAX_PATH_CHARS: usize = 256;

/// The record and, for `qys mock`, the printer.
pub(crate) struct Journal {
    entries: Mutex<VecDeque<LogEntry>>,
    printer: Option<Printer>,
}

struct Printer {
    /// Taken (closing the queue) when the mock stops.
    lines: Mutex<Option<SyncSender<String>>>,
    dropped: Arc<AtomicU64>,
    /// Says when the thread has printed everything queued.
    done: Mutex<Option<Receiver<()>>>,
}

impl Journal {
    pub fn new(print: bool) -> Journal {
        Journal { entries: Mutex::new(VecDeque::new()), printer: print.then(Printer::start).flatten() }
    }

    /// Records an answer; never waits for standard error.
    pub fn record(&self, mut entry: LogEntry) {
        if entry.path.chars().count() > MAX_PATH_CHARS {
            entry.path = entry.path.chars().take(MAX_PATH_CHARS).chain(['…']).collect();
        }
        if let std::borrow::Cow::Owned(cut) = super::bounds::message(&entry.outcome) {
            entry.outcome = cut;
        }
        if let Some(printer) = &self.printer {
            printer.print(entry.to_string());
        }
        let mut entries = self.entries.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        if let Some(request) = &entry.request {
            let size = request.to_string().len();
            if size > MAX_BODY_CHARS {
                entry.request = Some(serde_json::Value::String(format!("({size} bytes of JSON, not kept)")));
            }
        }
        if entries.len() == LOG_CAPACITY {
            entries.pop_front();
        }
        entries.push_back(entry);
        // Older entries forget their request: the record stays small.
        if let Some(index) = entries.len().checked_sub(BODY_CAPACITY + 1)
            && let Some(old) = entries.get_mut(index)
        {
            old.request = None;
        }
    }

    /// Prints what is queued, waiting at most `within` (a standard error
    /// nobody reads must not hold the mock up as it stops).
    pub fn flush(&self, within: Duration) {
        if let Some(printer) = &self.printer {
            let sender = printer.lines.lock().ok().and_then(|mut lines| lines.take());
            drop(sender);
            if let Some(done) = printer.done.lock().ok().and_then(|mut done| done.take()) {
                let _ = done.recv_timeout(within);
            }
        }
    }

    /// The entries kept, oldest first.
    pub fn entries(&self) -> Vec<LogEntry> {
        let entries = self.entries.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        entries.iter().cloned().collect()
    }
}

impl Printer {
    /// A thread that writes lines to standard error; `None` if none can start.
    fn start() -> Option<Printer> {
        let (lines, queue) = std::sync::mpsc::sync_channel::<String>(PRINT_QUEUE);
        let (finished, done) = std::sync::mpsc::channel();
        let dropped = Arc::new(AtomicU64::new(0));
        let counted = Arc::clone(&dropped);
        std::thread::Builder::new()
            .name("qiyuesuo-mock-log".to_owned())
            .spawn(move || {
                let stderr = std::io::stderr();
                for line in queue {
                    let mut out = stderr.lock();
                    let lost = counted.swap(0, Ordering::Relaxed);
                    if lost > 0 {
                        let _ = writeln!(out, "mock: {lost} log lines dropped: standard error was not being read");
                    }
                    // A request's own text (a callback URL, a name) may hold terminal controls.
                    let _ = writeln!(out, "{}", qiyuesuo_runtime::__hooks::terminal_safe(&line));
                }
                let _ = finished.send(());
            })
            .ok()?;
        Some(Printer { lines: Mutex::new(Some(lines)), dropped, done: Mutex::new(Some(done)) })
    }

    fn print(&self, line: String) {
        let lines = self.lines.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        let sent = match lines.as_ref() {
            Some(lines) => lines.try_send(line),
            None => return,
        };
        if let Err(TrySendError::Full(_) | TrySendError::Disconnected(_)) = sent {
            self.dropped.fetch_add(1, Ordering::Relaxed);
        }
    }
}
