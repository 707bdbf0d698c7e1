//! Walking an offset-paged list (`x-qys-pagination`) one page at a time:
//! as a `Stream` for the async client, an `Iterator` for the blocking one.
//! Each page is fetched only when the previous one is used up, so memory
//! holds one page; the walk stops at the answer's total, at an empty page,
//! or after the first error (which it yields).

use std::collections::VecDeque;
use std::future::Future;

use futures_util::Stream;

/// Where a walk is: the next offset, the page being handed out, and
/// whether another page remains. One cursor serves both forms of the walk.
struct Cursor<T> {
    offset: i64,
    page: VecDeque<T>,
    done: bool,
}

impl<T> Cursor<T> {
    fn new(start: i64) -> Self {
        Cursor { offset: start, page: VecDeque::new(), done: false }
    }

    /// Takes in one page: its items and the total the answer gave.
    fn take(&mut self, total: Option<i64>, items: Vec<T>) {
        if items.is_empty() {
            self.done = true;
            return;
        }
        self.offset = self.offset.saturating_add(i64::try_from(items.len()).unwrap_or(i64::MAX));
        if total.is_some_and(|total| self.offset >= total) {
            self.done = true;
        }
        self.page.extend(items);
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
/// --all` walks JSON answers with it.
pub fn pages<T, E, F, Fut>(start: i64, fetch: F) -> impl Stream<Item = Result<T, E>>
where
    F: FnMut(i64) -> Fut,
    Fut: Future<Output = Result<(Option<i64>, Vec<T>), E>>,
{
    futures_util::stream::unfold((Cursor::new(start), fetch), |(mut cursor, mut fetch)| async move {
        loop {
            if let Some(item) = cursor.page.pop_front() {
                return Some((Ok(item), (cursor, fetch)));
            }
            if cursor.done {
                return None;
            }
            match fetch(cursor.offset).await {
                Ok((total, items)) => cursor.take(total, items),
                Err(error) => {
                    cursor.done = true;
                    return Some((Err(error), (cursor, fetch)));
                }
            }
        }
    })
}

/// [`pages`] for the blocking client: an iterator.
pub fn pages_blocking<T, E, F>(start: i64, fetch: F) -> impl Iterator<Item = Result<T, E>>
where
    F: FnMut(i64) -> Result<(Option<i64>, Vec<T>), E>,
{
    let mut cursor = Cursor::new(start);
    let mut fetch = fetch;
    std::iter::from_fn(move || {
        loop {
            if let Some(item) = cursor.page.pop_front() {
                return Some(Ok(item));
            }
            if cursor.done {
                return None;
            }
            match fetch(cursor.offset) {
                Ok((total, items)) => cursor.take(total, items),
                Err(error) => {
                    cursor.done = true;
                    return Some(Err(error));
                }
            }
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A list of `len` numbers served `size` at a time, counting the fetches.
    fn serve(len: i64, size: i64, fetches: &mut Vec<i64>, offset: i64) -> Result<(Option<i64>, Vec<i64>), String> {
        fetches.push(offset);
        Ok((Some(len), (offset..(offset + size).min(len)).collect()))
    }

    #[test]
    fn walks_every_page_once_and_stops_at_the_total() {
        let mut fetches = Vec::new();
        let items: Vec<i64> =
            pages_blocking(0, |offset| serve(25, 10, &mut fetches, offset)).map(Result::unwrap).collect();
        assert_eq!(items, (0..25).collect::<Vec<_>>());
        assert_eq!(fetches, vec![0, 10, 20], "no fetch past the total");
    }

    #[test]
    fn fetches_lazily_and_stops_after_an_error() {
        let mut calls = 0;
        let mut walk = pages_blocking(0, |offset| {
            calls += 1;
            if offset >= 2 { Err("boom".to_owned()) } else { Ok((None, vec![offset, offset + 1])) }
        });
        assert_eq!(walk.next(), Some(Ok(0)));
        assert_eq!(walk.next(), Some(Ok(1)));
        assert_eq!(walk.next(), Some(Err("boom".to_owned())));
        assert_eq!(walk.next(), None);
        drop(walk);
        assert_eq!(calls, 2);
    }

    #[test]
    fn an_empty_page_ends_a_walk_without_a_total() {
        let items: Vec<Result<i64, String>> =
            pages_blocking(0, |offset| Ok((None, if offset < 3 { vec![offset] } else { Vec::new() }))).collect();
        assert_eq!(items, vec![Ok(0), Ok(1), Ok(2)]);
    }

    #[tokio::test]
    async fn the_stream_matches_the_iterator() {
        use futures_util::StreamExt as _;
        let walk =
            pages(5, |offset| async move { Ok::<_, String>((Some(12), (offset..(offset + 4).min(12)).collect())) });
        let items: Vec<i64> = walk.map(Result::unwrap).collect().await;
        assert_eq!(items, (5..12).collect::<Vec<_>>());
    }
}
