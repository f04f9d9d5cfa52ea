//! A file's contents as the pipeline hands them on.

use std::sync::Arc;

use bytes::Bytes;

use crate::memo::Digested;

/// A file's contents: one buffer, or pieces that follow one another.
///
/// A large download is made of pieces that are kept anyway (each entry's
/// record, row or search document, which the memo holds for the next
/// run). Handed on as its pieces, it is never copied into one more
/// buffer: `data/atlas.json` alone is 29 MB at 10,000 entries. Whoever
/// needs one buffer (serve's answer to a request, a test) asks
/// [`Body::to_bytes`] for it.
#[derive(Clone, Debug)]
pub enum Body {
    One(Bytes),
    Pieces(Arc<[Bytes]>),
}

impl Body {
    /// The buffers, in order.
    pub fn pieces(&self) -> &[Bytes] {
        match self {
            Body::One(b) => std::slice::from_ref(b),
            Body::Pieces(p) => p,
        }
    }

    /// Length in bytes.
    pub fn len(&self) -> usize {
        self.pieces().iter().map(Bytes::len).sum()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The contents as one buffer: the very buffer of a `One`, the pieces
    /// joined (a copy) otherwise.
    pub fn to_bytes(&self) -> Bytes {
        match self {
            Body::One(b) => b.clone(),
            Body::Pieces(p) => Bytes::from(p.concat()),
        }
    }

    /// Whether two bodies hold the same bytes. The same buffers (a file
    /// the memo kept from the run before) are known equal by their
    /// addresses, without reading them.
    pub fn same(&self, other: &Body) -> bool {
        match (self, other) {
            (Body::One(a), Body::One(b)) if a.as_ptr() == b.as_ptr() && a.len() == b.len() => {
                return true;
            }
            (Body::Pieces(a), Body::Pieces(b)) if Arc::ptr_eq(a, b) => return true,
            _ => {}
        }
        self.len() == other.len()
            && self
                .pieces()
                .iter()
                .flat_map(|p| p.iter())
                .eq(other.pieces().iter().flat_map(|p| p.iter()))
    }
}

impl From<Bytes> for Body {
    fn from(bytes: Bytes) -> Self {
        Body::One(bytes)
    }
}

impl From<String> for Body {
    fn from(text: String) -> Self {
        Body::One(Bytes::from(text))
    }
}

impl From<Vec<u8>> for Body {
    fn from(bytes: Vec<u8>) -> Self {
        Body::One(Bytes::from(bytes))
    }
}

impl From<Vec<Bytes>> for Body {
    fn from(pieces: Vec<Bytes>) -> Self {
        Body::Pieces(pieces.into())
    }
}

/// A shared text as a piece of a body, without copying it.
pub fn piece(text: &Digested<String>) -> Bytes {
    Bytes::from_owner(Shared(text.arc().clone()))
}

/// A shared text, as the owner of the bytes of a piece.
struct Shared(Arc<String>);

impl AsRef<[u8]> for Shared {
    fn as_ref(&self) -> &[u8] {
        self.0.as_bytes()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pieces_join_and_compare_by_their_bytes() {
        let text = Digested::new("bc".to_string());
        let pieces = Body::from(vec![Bytes::from_static(b"a"), piece(&text)]);
        assert_eq!(pieces.len(), 3);
        assert_eq!(pieces.to_bytes(), "abc");
        // The piece is the shared text itself, not a copy.
        assert_eq!(pieces.pieces()[1].as_ptr(), text.as_ptr());
        let one = Body::from("abc".to_string());
        assert!(pieces.same(&one) && one.same(&pieces) && pieces.same(&pieces.clone()));
        assert!(!pieces.same(&Body::from("abd".to_string())));
        assert!(!pieces.same(&Body::from("ab".to_string())));
        assert!(Body::from(Vec::<Bytes>::new()).is_empty());
    }
}
