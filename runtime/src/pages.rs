//! Walking an offset-paged list (`x-qys-pagination`) one page at a time:
//! as a `Stream` for the async client, an `Iterator` for the blocking one.
//! Each page is fetched only when the previous one is used up, so memory
//! holds one page (and the one before it, to tell a repeat); the walk stops
//! at the answer's total, at an empty page, or after the first error (which
//! it yields).
//!
//! A server that lies must not keep a walk going forever: one that ignores
//! the offset answers the same page again (refused at once), one that claims
//! a huge total or none never runs out of pages (the item limit), and a slow
//! one is bounded by the walk's time limit as each page is by its call's.

use std::borrow::Cow;
use std::collections::VecDeque;
use std::future::Future;
use std::pin::Pin;
use std::time::{Duration, Instant};

use futures_util::Stream;

/// Default [`WalkLimits::max_items`].
pub const DEFAULT_WALK_MAX_ITEMS: u64 = 1_000_000;
/// Default [`WalkLimits::max_time`].
pub const DEFAULT_WALK_MAX_TIME: Duration = Duration::from_secs(600);

/// How far one page walk (`…_all`, `qys --all`) may go before it stops
/// with [`WalkError`]: items handed out and time since its first page was
/// asked for. Set per client (`ClientBuilder::walk_limits`) or per call
/// (`CallOptions::walk_limits`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub struct WalkLimits {
    /// Items at most (1,000,000 by default).
    pub max_items: u64,
    /// Time at most, every page's call included (10 minutes by default).
    pub max_time: Duration,
}

impl Default for WalkLimits {
    fn default() -> Self {
        WalkLimits { max_items: DEFAULT_WALK_MAX_ITEMS, max_time: DEFAULT_WALK_MAX_TIME }
    }
}

impl WalkLimits {
    /// Sets the item limit.
    pub fn max_items(mut self, items: u64) -> Self {
        self.max_items = items;
        self
    }

    /// Sets the time limit.
    pub fn max_time(mut self, time: Duration) -> Self {
        self.max_time = time;
        self
    }
}

/// Why a page walk stopped before the list's end. The items before it were
/// handed out; the walk yields this once and ends.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum WalkStop {
    /// [`WalkLimits::max_items`] items were handed out before the list's end.
    #[error(
        "it reached its item limit of {limit} (WalkLimits::max_items) before the list's end; the server's total said {total}"
    )]
    Items {
        /// The limit.
        limit: u64,
        /// The total the last page claimed, as given.
        total: TotalShown,
    },
    /// [`WalkLimits::max_time`] passed before the list's end.
    #[error("its time limit of {} s passed (WalkLimits::max_time)", limit.as_secs_f64())]
    Time {
        /// The limit.
        limit: Duration,
    },
    /// The page at `offset` was the page before it again, item for item:
    /// the server ignores the offset, and the walk would never end.
    #[error("the page at offset {offset} repeats the page before it: the server ignores the offset")]
    RepeatedPage {
        /// The offset asked for.
        offset: i64,
    },
}

/// The total a page answer gave, for [`WalkStop::Items`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TotalShown(pub Option<i64>);

impl std::fmt::Display for TotalShown {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self.0 {
            Some(total) => write!(f, "{total}"),
            None => f.write_str("nothing"),
        }
    }
}

/// A page walk that stopped at one of its bounds.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{operation}: the page walk stopped after {items} items: {stop}")]
pub struct WalkError {
    /// The paged operation's id.
    pub operation: Cow<'static, str>,
    /// Items handed out before it stopped.
    pub items: u64,
    /// Which bound stopped it.
    pub stop: WalkStop,
}

/// One walk's operation and limits, as the client hands them to [`pages`].
#[derive(Debug, Clone)]
pub struct Walk {
    operation: Cow<'static, str>,
    limits: WalkLimits,
}

impl Walk {
    /// A walk of `operation` within `limits`.
    pub fn new(operation: impl Into<Cow<'static, str>>, limits: WalkLimits) -> Self {
        Walk { operation: operation.into(), limits }
    }
}

/// The async client's page walks: a stream that can be polled without
/// pinning it first (`while let Some(item) = walk.next().await`), and sent
/// to another task.
pub type PageStream<'a, T, E> = Pin<Box<dyn Stream<Item = Result<T, E>> + Send + 'a>>;

/// Where a walk is: the next offset, the page being handed out, the page
/// before (to tell a repeat), what was handed out and when it began. One
/// cursor serves both forms of the walk.
struct Cursor<T> {
    walk: Walk,
    offset: i64,
    page: VecDeque<T>,
    previous: Vec<T>,
    total: Option<i64>,
    handed: u64,
    started: Option<Instant>,
    done: bool,
}

/// What the cursor wants next.
enum Next<T> {
    Item(T),
    /// The page at this offset, within the time left.
    Fetch(i64, Duration),
    Stop(WalkError),
    End,
}

impl<T: PartialEq + Clone> Cursor<T> {
    fn new(walk: Walk, start: i64) -> Self {
        Cursor {
            walk,
            offset: start,
            page: VecDeque::new(),
            previous: Vec::new(),
            total: None,
            handed: 0,
            started: None,
            done: false,
        }
    }

    /// Ends the walk at one of its bounds.
    fn stop(&mut self, stop: WalkStop) -> WalkError {
        self.fail();
        WalkError { operation: self.walk.operation.clone(), items: self.handed, stop }
    }

    /// The time left before the walk's time limit, counting from its first page.
    fn time_left(&mut self) -> Duration {
        let started = *self.started.get_or_insert_with(Instant::now);
        self.walk.limits.max_time.saturating_sub(started.elapsed())
    }

    fn next(&mut self) -> Next<T> {
        if self.done && self.page.is_empty() {
            return Next::End;
        }
        if self.handed >= self.walk.limits.max_items {
            let (limit, total) = (self.walk.limits.max_items, TotalShown(self.total));
            return Next::Stop(self.stop(WalkStop::Items { limit, total }));
        }
        if let Some(item) = self.page.pop_front() {
            self.handed += 1;
            return Next::Item(item);
        }
        if self.done {
            return Next::End;
        }
        let left = self.time_left();
        if left.is_zero() {
            let limit = self.walk.limits.max_time;
            return Next::Stop(self.stop(WalkStop::Time { limit }));
        }
        Next::Fetch(self.offset, left)
    }

    /// Takes in one page: its items and the total the answer gave.
    fn take(&mut self, total: Option<i64>, items: Vec<T>) -> Option<WalkError> {
        self.total = total;
        if items.is_empty() {
            self.done = true;
            return None;
        }
        if items == self.previous {
            let offset = self.offset;
            return Some(self.stop(WalkStop::RepeatedPage { offset }));
        }
        self.offset = self.offset.saturating_add(i64::try_from(items.len()).unwrap_or(i64::MAX));
        if total.is_some_and(|total| self.offset >= total) {
            self.done = true;
        }
        self.previous.clone_from(&items);
        self.page.extend(items);
        None
    }

    /// The walk ends after an error, which is handed out.
    fn fail(&mut self) {
        self.done = true;
        self.page.clear();
    }
}

/// What a page answer says of the total: the runtime reads an integer
/// field whether the schema makes it optional or not.
pub trait Total {
    /// The total, if the answer gave one.
    fn total(&self) -> Option<i64>;
}

impl Total for i64 {
    fn total(&self) -> Option<i64> {
        Some(*self)
    }
}

impl Total for Option<i64> {
    fn total(&self) -> Option<i64> {
        *self
    }
}

/// The items of every page from `start` on; `fetch(offset)` gets one page
/// as `(total, items)`. The generated `…_all` methods are this walk; `qys
/// --all` walks JSON answers with it. It stops at `walk`'s limits with a
/// [`WalkError`], turned into the caller's error type.
pub fn pages<T, E, F, Fut>(walk: Walk, start: i64, fetch: F) -> impl Stream<Item = Result<T, E>>
where
    T: PartialEq + Clone,
    E: From<WalkError>,
    F: FnMut(i64) -> Fut,
    Fut: Future<Output = Result<(Option<i64>, Vec<T>), E>>,
{
    futures_util::stream::unfold((Cursor::new(walk, start), fetch), |(mut cursor, mut fetch)| async move {
        loop {
            let (offset, left) = match cursor.next() {
                Next::Item(item) => return Some((Ok(item), (cursor, fetch))),
                Next::Stop(error) => return Some((Err(E::from(error)), (cursor, fetch))),
                Next::End => return None,
                Next::Fetch(offset, left) => (offset, left),
            };
            match tokio::time::timeout(left, fetch(offset)).await {
                Ok(Ok((total, items))) => {
                    if let Some(error) = cursor.take(total, items) {
                        return Some((Err(E::from(error)), (cursor, fetch)));
                    }
                }
                Ok(Err(error)) => {
                    cursor.fail();
                    return Some((Err(error), (cursor, fetch)));
                }
                Err(_elapsed) => {
                    let limit = cursor.walk.limits.max_time;
                    let error = cursor.stop(WalkStop::Time { limit });
                    return Some((Err(E::from(error)), (cursor, fetch)));
                }
            }
        }
    })
}

/// [`pages`] for the blocking client: an iterator. Each page's call is
/// bounded by its own timeouts; the time limit is checked between pages.
pub fn pages_blocking<T, E, F>(walk: Walk, start: i64, fetch: F) -> impl Iterator<Item = Result<T, E>>
where
    T: PartialEq + Clone,
    E: From<WalkError>,
    F: FnMut(i64) -> Result<(Option<i64>, Vec<T>), E>,
{
    let mut cursor = Cursor::new(walk, start);
    let mut fetch = fetch;
    std::iter::from_fn(move || {
        loop {
            let offset = match cursor.next() {
                Next::Item(item) => return Some(Ok(item)),
                Next::Stop(error) => return Some(Err(E::from(error))),
                Next::End => return None,
                // Each call is bounded by its own timeouts; the walk's time is checked between pages.
                Next::Fetch(offset, _) => offset,
            };
            match fetch(offset) {
                Ok((total, items)) => {
                    if let Some(error) = cursor.take(total, items) {
                        return Some(Err(E::from(error)));
                    }
                }
                Err(error) => {
                    cursor.fail();
                    return Some(Err(error));
                }
            }
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A fetch's own error, or the walk's.
    #[derive(Debug, PartialEq)]
    enum Failure {
        Fetch(&'static str),
        Walk(WalkStop),
    }

    impl From<WalkError> for Failure {
        fn from(error: WalkError) -> Self {
            Failure::Walk(error.stop)
        }
    }

    type Page = Result<(Option<i64>, Vec<i64>), Failure>;

    fn walk(limits: WalkLimits) -> Walk {
        Walk::new("listThings", limits)
    }

    /// A list of `len` numbers served `size` at a time, counting the fetches.
    fn serve(len: i64, size: i64, fetches: &mut Vec<i64>, offset: i64) -> Page {
        fetches.push(offset);
        Ok((Some(len), (offset..(offset + size).min(len)).collect()))
    }

    #[test]
    fn walks_every_page_once_and_stops_at_the_total() {
        let mut fetches = Vec::new();
        let items: Vec<i64> =
            pages_blocking(walk(WalkLimits::default()), 0, |offset| serve(25, 10, &mut fetches, offset))
                .map(Result::unwrap)
                .collect();
        assert_eq!(items, (0..25).collect::<Vec<_>>());
        assert_eq!(fetches, vec![0, 10, 20], "no fetch past the total");
    }

    #[test]
    fn fetches_lazily_and_stops_after_an_error() {
        let mut calls = 0;
        let mut walk = pages_blocking(walk(WalkLimits::default()), 0, |offset| {
            calls += 1;
            if offset >= 2 { Err(Failure::Fetch("boom")) } else { Ok((None, vec![offset, offset + 1])) }
        });
        assert_eq!(walk.next(), Some(Ok(0)));
        assert_eq!(walk.next(), Some(Ok(1)));
        assert_eq!(walk.next(), Some(Err(Failure::Fetch("boom"))));
        assert_eq!(walk.next(), None);
        drop(walk);
        assert_eq!(calls, 2);
    }

    #[test]
    fn an_empty_page_ends_a_walk_without_a_total() {
        let items: Vec<Result<i64, Failure>> = pages_blocking(walk(WalkLimits::default()), 0, |offset| {
            Ok((None, if offset < 3 { vec![offset] } else { Vec::new() }))
        })
        .collect();
        assert_eq!(items, vec![Ok(0), Ok(1), Ok(2)]);
    }

    #[test]
    fn a_server_that_ignores_the_offset_stops_the_walk_at_its_second_page() {
        let mut fetches = Vec::new();
        let items: Vec<Result<i64, Failure>> = pages_blocking(walk(WalkLimits::default()), 0, |offset| {
            fetches.push(offset);
            Ok((Some(1_000_000_000), vec![1, 2, 3]))
        })
        .collect();
        let stop = Failure::Walk(WalkStop::RepeatedPage { offset: 3 });
        assert_eq!(items, vec![Ok(1), Ok(2), Ok(3), Err(stop)]);
        assert_eq!(fetches, vec![0, 3]);
    }

    #[test]
    fn a_false_total_or_none_stops_at_the_item_limit_with_the_total_named() {
        for total in [Some(i64::MAX), None] {
            let limits = WalkLimits::default().max_items(25);
            let items: Vec<Result<i64, Failure>> =
                pages_blocking(walk(limits), 0, |offset| Ok((total, (offset..offset + 10).collect()))).collect();
            assert_eq!(items.len(), 26, "25 items, then the stop");
            assert!(items.iter().take(25).all(Result::is_ok));
            let stop = WalkStop::Items { limit: 25, total: TotalShown(total) };
            assert_eq!(items.last(), Some(&Err(Failure::Walk(stop))));
        }
    }

    #[test]
    fn a_list_that_ends_exactly_at_the_item_limit_is_no_error() {
        let mut fetches = Vec::new();
        let limits = WalkLimits::default().max_items(25);
        let items: Vec<Result<i64, Failure>> =
            pages_blocking(walk(limits), 0, |offset| serve(25, 10, &mut fetches, offset)).collect();
        assert_eq!(items.len(), 25);
        assert!(items.iter().all(Result::is_ok));
    }

    #[test]
    fn the_time_limit_is_checked_before_each_page() {
        let mut fetches = 0;
        let limits = WalkLimits::default().max_time(Duration::ZERO);
        let items: Vec<Result<i64, Failure>> = pages_blocking(walk(limits), 0, |_| {
            fetches += 1;
            Ok((None, vec![1]))
        })
        .collect();
        assert_eq!(items, vec![Err(Failure::Walk(WalkStop::Time { limit: Duration::ZERO }))]);
        assert_eq!(fetches, 0);
    }

    #[test]
    fn the_error_names_the_operation_the_bound_and_the_items_handed_out() {
        let error = WalkError {
            operation: "contractList".into(),
            items: 25,
            stop: WalkStop::Items { limit: 25, total: TotalShown(Some(1 << 40)) },
        };
        let shown = error.to_string();
        for part in ["contractList", "after 25 items", "item limit of 25", "WalkLimits::max_items", "1099511627776"] {
            assert!(shown.contains(part), "{part:?} missing from {shown}");
        }
    }

    #[tokio::test]
    async fn the_stream_matches_the_iterator() {
        use futures_util::StreamExt as _;
        let walk = pages(walk(WalkLimits::default()), 5, |offset| async move {
            Ok::<_, Failure>((Some(12), (offset..(offset + 4).min(12)).collect()))
        });
        let items: Vec<i64> = walk.map(Result::unwrap).collect().await;
        assert_eq!(items, (5..12).collect::<Vec<_>>());
    }

    #[tokio::test]
    async fn a_page_that_never_comes_is_cut_at_the_time_limit() {
        use futures_util::StreamExt as _;
        let limits = WalkLimits::default().max_time(Duration::from_millis(50));
        let walk = pages(walk(limits), 0, |_| std::future::pending::<Page>());
        let items: Vec<Result<i64, Failure>> = walk.collect().await;
        let stop = Failure::Walk(WalkStop::Time { limit: Duration::from_millis(50) });
        assert_eq!(items, vec![Err(stop)]);
    }
}
