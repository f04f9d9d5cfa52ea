//! Memoised derivations, keyed by construction.
//!
//! A derived value is made by a [`Query`]: a name and a plain `fn(&I) -> O`.
//! Being a function pointer, `make` cannot capture anything: it sees its one
//! input value and nothing else. The value's key is the [`Digest`] of the
//! query's name and that input, so whatever the function reads is in the key;
//! no list of dependencies is kept by hand, and none can be forgotten.
//!
//! Inputs hold large parts as [`Digested`] handles: shared values that hash
//! as their digest, so a key costs a few bytes of hashing however big the
//! input is. A query's result comes back as a `Digested` too, so it can be
//! part of the next query's input. Its digest is the query's key (the
//! result is a function of it) or, for a query made with
//! [`Query::with_cutoff`], a digest of the result itself, so a change
//! upstream that leaves the result as it was stops there ("early cutoff").
//!
//! A [`Memo`] that keeps results serves `atlas serve`: each run looks its
//! queries up, makes only what is missing, and [`Memo::sweep`] forgets what
//! the run did not ask for. A build keeps nothing between runs
//! ([`Memo::transient`]) but runs the very same code.
//!
//! This module knows nothing of atlas: it is the generic layer the pipeline
//! is written on.

use std::any::Any;
use std::hash::{Hash, Hasher};
use std::ops::Deref;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};

use rustc_hash::FxHashMap;

/// A 128-bit digest (XXH3): wide enough that two different inputs of one
/// atlas never share a key.
pub type Digest = u128;

/// The digest of anything hashable.
pub fn digest<T: Hash + ?Sized>(value: &T) -> Digest {
    let mut h = DigestHasher::default();
    value.hash(&mut h);
    h.finish128()
}

/// A `Hasher` that feeds XXH3 and can give its full 128-bit digest.
#[derive(Default)]
pub struct DigestHasher(xxhash_rust::xxh3::Xxh3);

impl DigestHasher {
    pub fn finish128(&self) -> Digest {
        self.0.digest128()
    }
}

impl Hasher for DigestHasher {
    fn write(&mut self, bytes: &[u8]) {
        self.0.update(bytes);
    }
    fn finish(&self) -> u64 {
        self.0.digest()
    }
}

/// A shared value with the digest that identifies it. It hashes, and
/// compares, as its digest only.
pub struct Digested<T: ?Sized> {
    digest: Digest,
    value: Arc<T>,
}

impl<T: Hash> Digested<T> {
    /// Wraps a value, digesting it.
    pub fn new(value: T) -> Self {
        Digested {
            digest: digest(&value),
            value: Arc::new(value),
        }
    }
}

impl<T: ?Sized> Digested<T> {
    /// Wraps a shared value under a digest the caller vouches for (one made
    /// from everything the value was made from).
    pub fn with_digest(digest: Digest, value: Arc<T>) -> Self {
        Digested { digest, value }
    }

    pub fn digest(&self) -> Digest {
        self.digest
    }

    /// The shared value.
    pub fn arc(&self) -> &Arc<T> {
        &self.value
    }
}

impl Digested<str> {
    /// A shared text with its digest.
    pub fn text(text: Arc<str>) -> Self {
        Digested {
            digest: digest(&*text),
            value: text,
        }
    }
}

impl From<String> for Digested<str> {
    fn from(text: String) -> Self {
        Digested::text(Arc::from(text))
    }
}

impl<T: ?Sized> Clone for Digested<T> {
    fn clone(&self) -> Self {
        Digested {
            digest: self.digest,
            value: self.value.clone(),
        }
    }
}

impl<T: ?Sized> Deref for Digested<T> {
    type Target = T;
    fn deref(&self) -> &T {
        &self.value
    }
}

impl<T: ?Sized> Hash for Digested<T> {
    fn hash<H: Hasher>(&self, state: &mut H) {
        state.write_u128(self.digest);
    }
}

impl<T: ?Sized> PartialEq for Digested<T> {
    fn eq(&self, other: &Self) -> bool {
        self.digest == other.digest
    }
}

impl<T: ?Sized> Eq for Digested<T> {}

impl<T: ?Sized + std::fmt::Debug> std::fmt::Debug for Digested<T> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        self.value.fmt(f)
    }
}

impl<T: ?Sized + serde::Serialize> serde::Serialize for Digested<T> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        self.value.serialize(s)
    }
}

/// A derivation: its name (part of every key it makes) and the function.
pub struct Query<I, O> {
    pub name: &'static str,
    pub make: fn(&I) -> O,
    /// Digests a result, for early cutoff.
    cutoff: Option<fn(&O) -> Digest>,
}

impl<I, O> Query<I, O> {
    /// A query whose results are identified by their input.
    pub const fn new(name: &'static str, make: fn(&I) -> O) -> Self {
        Query {
            name,
            make,
            cutoff: None,
        }
    }
}

impl<I, O: Hash> Query<I, O> {
    /// A query whose results are identified by their own digest: what
    /// depends on one is made again only if it changed. For small results
    /// (a card, a summary) that many others read.
    pub const fn with_cutoff(name: &'static str, make: fn(&I) -> O) -> Self {
        Query {
            name,
            make,
            cutoff: Some(digest::<O>),
        }
    }
}

const SHARDS: usize = 64;

struct Slot {
    /// The run that last asked for it.
    run: u64,
    /// The result's own digest (its key, unless cut off).
    digest: Digest,
    value: Arc<dyn Any + Send + Sync>,
}

#[derive(Default)]
struct Shard {
    slots: FxHashMap<Digest, Slot>,
    /// Lookups per query name: (answered from the memo, made).
    counts: FxHashMap<&'static str, (usize, usize)>,
}

/// The memo of every query's results.
pub struct Memo {
    /// Results are kept between runs.
    keep: bool,
    run: AtomicU64,
    shards: Vec<Mutex<Shard>>,
}

/// How often each query was answered from the memo and how often made, in
/// the last run.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Stats(pub std::collections::BTreeMap<&'static str, (usize, usize)>);

impl Stats {
    /// How many results of `query` the run made.
    pub fn made(&self, query: &str) -> usize {
        self.0.get(query).map_or(0, |c| c.1)
    }

    /// How many results of `query` the run took from the memo.
    pub fn reused(&self, query: &str) -> usize {
        self.0.get(query).map_or(0, |c| c.0)
    }

    /// How many results the run made, over all queries.
    pub fn made_total(&self) -> usize {
        self.0.values().map(|c| c.1).sum()
    }
}

impl Memo {
    /// A memo that keeps results from one run to the next.
    pub fn persistent() -> Memo {
        Memo::with(true)
    }

    /// A memo that keeps nothing: every query is made; a build's memory
    /// holds no more than the run needs.
    pub fn transient() -> Memo {
        Memo::with(false)
    }

    fn with(keep: bool) -> Memo {
        Memo {
            keep,
            run: AtomicU64::new(1),
            shards: (0..SHARDS).map(|_| Mutex::new(Shard::default())).collect(),
        }
    }

    /// Whether results are kept between runs.
    pub fn keeps(&self) -> bool {
        self.keep
    }

    fn shard(&self, key: Digest) -> MutexGuard<'_, Shard> {
        let i = (key as usize) % SHARDS;
        self.shards[i].lock().unwrap_or_else(|e| e.into_inner())
    }

    /// The result of `query` on `input`, made now or kept from before.
    pub fn get<I: Hash, O: Send + Sync + 'static>(
        &self,
        query: &'static Query<I, O>,
        input: &I,
    ) -> Digested<O> {
        let key = digest(&(query.name, input));
        let run = self.run.load(Ordering::Relaxed);
        if self.keep {
            let mut shard = self.shard(key);
            let found = shard.slots.get_mut(&key).and_then(|slot| {
                slot.run = run;
                let value = slot.value.clone().downcast::<O>().ok()?;
                Some(Digested::with_digest(slot.digest, value))
            });
            if let Some(found) = found {
                shard.counts.entry(query.name).or_default().0 += 1;
                return found;
            }
        }
        // Made outside the lock: queries run in parallel and may nest.
        let value = (query.make)(input);
        let own = query.cutoff.map_or(key, |digest| digest(&value));
        let made = Digested::with_digest(own, Arc::new(value));
        let mut shard = self.shard(key);
        shard.counts.entry(query.name).or_default().1 += 1;
        if self.keep {
            shard.slots.insert(
                key,
                Slot {
                    run,
                    digest: made.digest,
                    value: made.value.clone(),
                },
            );
        }
        made
    }

    /// Ends a run: forgets every result the run did not ask for, and
    /// returns how each query was answered. The next run starts afresh.
    pub fn sweep(&self) -> Stats {
        let run = self.run.fetch_add(1, Ordering::Relaxed);
        let mut stats = Stats::default();
        for shard in &self.shards {
            let mut shard = shard.lock().unwrap_or_else(|e| e.into_inner());
            shard.slots.retain(|_, slot| slot.run == run);
            for (name, (reused, made)) in shard.counts.drain() {
                let c = stats.0.entry(name).or_default();
                c.0 += reused;
                c.1 += made;
            }
        }
        stats
    }

    /// How many results are kept.
    pub fn len(&self) -> usize {
        self.shards
            .iter()
            .map(|s| s.lock().unwrap_or_else(|e| e.into_inner()).slots.len())
            .sum()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    static SQUARE: Query<u64, u64> = Query::new("square", |&n| n * n);
    static PARITY: Query<Digested<u64>, bool> = Query::with_cutoff("parity", |n| **n % 2 == 0);
    static PARITY_KEYED: Query<Digested<u64>, bool> = Query::new("parity keyed", |n| **n % 2 == 0);

    #[test]
    fn results_are_kept_until_a_run_does_not_ask() {
        let memo = Memo::persistent();
        assert_eq!(*memo.get(&SQUARE, &3), 9);
        assert_eq!(*memo.get(&SQUARE, &3), 9);
        let stats = memo.sweep();
        assert_eq!((stats.made("square"), stats.reused("square")), (1, 1));
        memo.get(&SQUARE, &4);
        memo.sweep();
        // 3 was not asked for in the last run: gone.
        assert_eq!(memo.len(), 1);
        memo.get(&SQUARE, &3);
        assert_eq!(memo.sweep().made("square"), 1);
    }

    #[test]
    fn the_key_is_the_input_and_cutoff_digests_the_result() {
        let memo = Memo::persistent();
        let a = memo.get(&SQUARE, &3);
        let b = memo.get(&SQUARE, &4);
        assert_ne!(a.digest(), b.digest());
        // Early cutoff: different inputs, same result, same digest.
        let even2 = memo.get(&PARITY, &Digested::new(2));
        let even4 = memo.get(&PARITY, &Digested::new(4));
        assert_eq!(even2.digest(), even4.digest());
        assert_ne!(
            memo.get(&PARITY_KEYED, &Digested::new(2)).digest(),
            memo.get(&PARITY_KEYED, &Digested::new(4)).digest()
        );
    }

    #[test]
    fn a_transient_memo_keeps_nothing() {
        let memo = Memo::transient();
        memo.get(&SQUARE, &3);
        memo.get(&SQUARE, &3);
        assert_eq!(memo.sweep().made("square"), 2);
        assert!(memo.is_empty());
    }

    #[test]
    fn digested_values_hash_as_their_digest() {
        let big = Digested::new("x".repeat(1 << 20));
        let same = Digested::with_digest(big.digest(), Arc::new(String::new()));
        assert_eq!(digest(&big), digest(&same));
    }
}
