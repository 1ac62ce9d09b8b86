//! The Merkle tree of RFC 6962 / RFC 9162 over the ledger's records: leaf and node hashes,
//! the root of any prefix, inclusion and consistency proofs and their verification.
//!
//! Leaf hash `SHA-256(0x00 || record bytes)`, node hash `SHA-256(0x01 || left || right)`; a tree
//! of `n` leaves splits at the largest power of two below `n`. These are the definitions
//! Certificate Transparency, Sigstore Rekor and the Go checksum database use, so their tools and
//! any short script can recheck annexa's proofs.

use sha2::{Digest, Sha256};

/// A SHA-256 value.
pub type Hash = [u8; 32];

/// The root of the empty tree: `SHA-256()` of nothing.
pub fn empty_root() -> Hash {
    Sha256::digest([]).into()
}

/// The leaf hash of a record's bytes.
pub fn leaf_hash(bytes: &[u8]) -> Hash {
    let mut h = Sha256::new();
    h.update([0u8]);
    h.update(bytes);
    h.finalize().into()
}

/// The hash of an interior node.
pub fn node_hash(left: &Hash, right: &Hash) -> Hash {
    let mut h = Sha256::new();
    h.update([1u8]);
    h.update(left);
    h.update(right);
    h.finalize().into()
}

/// The largest power of two strictly below `n` (`n` ≥ 2).
fn split(n: u64) -> u64 {
    1 << (63 - (n - 1).leading_zeros())
}

/// The root of the tree over `leaves` (leaf hashes), computed in one pass.
pub fn root(leaves: &[Hash]) -> Hash {
    let mut frontier = Frontier::default();
    for leaf in leaves {
        frontier.push(*leaf);
    }
    frontier.root()
}

/// The right edge of a growing tree: the roots of the perfect subtrees that make up its
/// leaves, largest first. Enough to append a leaf and to give the root in O(log n), so a
/// writer never rereads the ledger.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Frontier {
    size: u64,
    /// One hash per set bit of `size`, from the highest bit down.
    nodes: Vec<Hash>,
}

impl Frontier {
    /// The number of leaves.
    pub fn size(&self) -> u64 {
        self.size
    }

    /// Appends a leaf hash.
    pub fn push(&mut self, leaf: Hash) {
        let mut node = leaf;
        // Each trailing one bit of the old size is a perfect subtree the new leaf completes.
        let mut size = self.size;
        while size & 1 == 1 {
            let left = self.nodes.pop().unwrap_or(node);
            node = node_hash(&left, &node);
            size >>= 1;
        }
        self.nodes.push(node);
        self.size += 1;
    }

    /// The tree's root.
    pub fn root(&self) -> Hash {
        let mut nodes = self.nodes.iter().rev();
        let Some(mut acc) = nodes.next().copied() else {
            return empty_root();
        };
        for left in nodes {
            acc = node_hash(left, &acc);
        }
        acc
    }

    /// The frontier as bytes, for storage: the size (8 bytes, big endian) then the hashes.
    pub fn to_bytes(&self) -> Vec<u8> {
        let mut out = Vec::with_capacity(8 + 32 * self.nodes.len());
        out.extend_from_slice(&self.size.to_be_bytes());
        for n in &self.nodes {
            out.extend_from_slice(n);
        }
        out
    }

    /// Reads what `to_bytes` wrote; `None` when the bytes cannot be a frontier.
    pub fn from_bytes(bytes: &[u8]) -> Option<Frontier> {
        let (size, rest) = bytes.split_first_chunk::<8>()?;
        let size = u64::from_be_bytes(*size);
        if rest.len() != 32 * size.count_ones() as usize {
            return None;
        }
        let nodes = rest.chunks_exact(32).filter_map(|c| <Hash>::try_from(c).ok()).collect();
        Some(Frontier { size, nodes })
    }
}

/// Why a proof cannot be made or does not hold.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ProofError {
    /// The leaf is not in a tree that small.
    #[error("leaf {index} is not in a tree of {size} records")]
    IndexOutOfRange {
        /// The leaf asked for.
        index: u64,
        /// The tree size.
        size: u64,
    },
    /// A consistency proof between these sizes makes no sense.
    #[error("no consistency proof from size {from} to size {to}")]
    BadSizes {
        /// The older size.
        from: u64,
        /// The newer size.
        to: u64,
    },
    /// The proof has too many or too few hashes for its sizes.
    #[error("a proof of {got} hashes does not fit its tree sizes")]
    WrongLength {
        /// Hashes given.
        got: usize,
    },
    /// The hashes do not lead to the root.
    #[error("the proof does not lead to the root hash")]
    RootMismatch,
}

/// The root of `leaves[lo..hi]`, as RFC 6962's MTH.
fn subtree(leaves: &[Hash]) -> Hash {
    match leaves.len() {
        0 => empty_root(),
        1 => leaves[0],
        n => {
            let k = split(n as u64) as usize;
            node_hash(&subtree(&leaves[..k]), &subtree(&leaves[k..]))
        }
    }
}

/// The inclusion proof (audit path) of leaf `index` in the tree over `leaves` (RFC 6962 §2.1.1).
pub fn inclusion_proof(index: u64, leaves: &[Hash]) -> Result<Vec<Hash>, ProofError> {
    let size = leaves.len() as u64;
    if index >= size {
        return Err(ProofError::IndexOutOfRange { index, size });
    }
    let mut path = Vec::new();
    let (mut lo, mut hi, m) = (0usize, leaves.len(), index as usize);
    // Walk down from the root; each sibling subtree is one hash of the path, which RFC 6962
    // lists from the leaf up, hence the reverse at the end.
    while hi - lo > 1 {
        let k = lo + split((hi - lo) as u64) as usize;
        if m < k {
            path.push(subtree(&leaves[k..hi]));
            hi = k;
        } else {
            path.push(subtree(&leaves[lo..k]));
            lo = k;
        }
    }
    path.reverse();
    Ok(path)
}

/// Checks an inclusion proof (RFC 9162 §2.1.3.2).
pub fn verify_inclusion(index: u64, size: u64, leaf: &Hash, path: &[Hash], root: &Hash) -> Result<(), ProofError> {
    if index >= size {
        return Err(ProofError::IndexOutOfRange { index, size });
    }
    let (mut f_n, mut s_n) = (index, size - 1);
    let mut r = *leaf;
    for p in path {
        if s_n == 0 {
            return Err(ProofError::WrongLength { got: path.len() });
        }
        if f_n & 1 == 1 || f_n == s_n {
            r = node_hash(p, &r);
            if f_n & 1 == 0 {
                while f_n & 1 == 0 && f_n != 0 {
                    f_n >>= 1;
                    s_n >>= 1;
                }
            }
        } else {
            r = node_hash(&r, p);
        }
        f_n >>= 1;
        s_n >>= 1;
    }
    if s_n != 0 {
        return Err(ProofError::WrongLength { got: path.len() });
    }
    if &r == root { Ok(()) } else { Err(ProofError::RootMismatch) }
}

/// How many hashes an inclusion proof of `index` in a tree of `size` has.
#[cfg(test)]
fn inclusion_len(index: u64, size: u64) -> usize {
    let (mut lo, mut hi, mut n) = (0u64, size, 0usize);
    while hi - lo > 1 {
        let k = lo + split(hi - lo);
        if index < k {
            hi = k
        } else {
            lo = k
        }
        n += 1;
    }
    n
}

/// The consistency proof that the tree over `leaves[..to]` extends the one over
/// `leaves[..from]` (RFC 6962 §2.1.2).
pub fn consistency_proof(from: u64, to: u64, leaves: &[Hash]) -> Result<Vec<Hash>, ProofError> {
    if from == 0 || from > to || to > leaves.len() as u64 {
        return Err(ProofError::BadSizes { from, to });
    }
    let mut proof = Vec::new();
    if from == to {
        return Ok(proof);
    }
    subproof(from as usize, &leaves[..to as usize], true, &mut proof);
    Ok(proof)
}

/// RFC 6962's SUBPROOF(m, D[n], b).
fn subproof(m: usize, leaves: &[Hash], whole: bool, proof: &mut Vec<Hash>) {
    let n = leaves.len();
    if m == n {
        if !whole {
            proof.push(subtree(leaves));
        }
        return;
    }
    let k = split(n as u64) as usize;
    if m <= k {
        subproof(m, &leaves[..k], whole, proof);
        proof.push(subtree(&leaves[k..]));
    } else {
        subproof(m - k, &leaves[k..], false, proof);
        proof.push(subtree(&leaves[..k]));
    }
}

/// Checks a consistency proof (RFC 9162 §2.1.4.2).
pub fn verify_consistency(
    from: u64,
    to: u64,
    from_root: &Hash,
    to_root: &Hash,
    proof: &[Hash],
) -> Result<(), ProofError> {
    if from == 0 || from > to {
        return Err(ProofError::BadSizes { from, to });
    }
    if from == to {
        if !proof.is_empty() {
            return Err(ProofError::WrongLength { got: proof.len() });
        }
        return if from_root == to_root { Ok(()) } else { Err(ProofError::RootMismatch) };
    }
    // A power-of-two old tree is a subtree of the new one: its root starts the walk.
    let mut path: Vec<Hash> = proof.to_vec();
    if from.is_power_of_two() {
        path.insert(0, *from_root);
    }
    let Some((first, rest)) = path.split_first() else {
        return Err(ProofError::WrongLength { got: 0 });
    };
    let (mut f_n, mut s_n) = (from - 1, to - 1);
    while f_n & 1 == 1 {
        f_n >>= 1;
        s_n >>= 1;
    }
    let (mut fr, mut sr) = (*first, *first);
    for c in rest {
        if s_n == 0 {
            return Err(ProofError::WrongLength { got: proof.len() });
        }
        if f_n & 1 == 1 || f_n == s_n {
            fr = node_hash(c, &fr);
            sr = node_hash(c, &sr);
            if f_n & 1 == 0 {
                while f_n & 1 == 0 && f_n != 0 {
                    f_n >>= 1;
                    s_n >>= 1;
                }
            }
        } else {
            sr = node_hash(&sr, c);
        }
        f_n >>= 1;
        s_n >>= 1;
    }
    if s_n != 0 {
        return Err(ProofError::WrongLength { got: proof.len() });
    }
    if &fr == from_root && &sr == to_root { Ok(()) } else { Err(ProofError::RootMismatch) }
}

/// Lowercase hexadecimal, the form proofs and reports print hashes in.
pub fn hex(hash: &Hash) -> String {
    use std::fmt::Write as _;
    hash.iter().fold(String::with_capacity(64), |mut s, b| {
        let _ = write!(s, "{b:02x}");
        s
    })
}

/// Reads 64 hexadecimal digits.
pub fn from_hex(text: &str) -> Option<Hash> {
    let bytes = text.as_bytes();
    if bytes.len() != 64 {
        return None;
    }
    let mut out = [0u8; 32];
    for (i, pair) in bytes.chunks_exact(2).enumerate() {
        let hi = (pair[0] as char).to_digit(16)?;
        let lo = (pair[1] as char).to_digit(16)?;
        out[i] = (hi * 16 + lo) as u8;
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn leaves(n: usize) -> Vec<Hash> {
        (0..n).map(|i| leaf_hash(format!("leaf {i}").as_bytes())).collect()
    }

    #[test]
    fn frontier_matches_recursive_definition() {
        for n in 0..70 {
            let l = leaves(n);
            assert_eq!(root(&l), subtree(&l), "size {n}");
        }
    }

    #[test]
    fn frontier_round_trips_through_bytes() {
        let mut f = Frontier::default();
        for l in leaves(13) {
            f.push(l);
            assert_eq!(Frontier::from_bytes(&f.to_bytes()).as_ref(), Some(&f));
        }
        assert_eq!(Frontier::from_bytes(&[0, 0, 0, 0, 0, 0, 0, 3]), None);
    }

    #[test]
    fn every_inclusion_and_consistency_proof_of_small_trees_verifies() {
        let all = leaves(40);
        for n in 1..=all.len() {
            let l = &all[..n];
            let r = root(l);
            for i in 0..n {
                let p = inclusion_proof(i as u64, l).unwrap();
                assert_eq!(p.len(), inclusion_len(i as u64, n as u64));
                verify_inclusion(i as u64, n as u64, &l[i], &p, &r).unwrap();
                let wrong = leaf_hash(b"other");
                assert_eq!(verify_inclusion(i as u64, n as u64, &wrong, &p, &r), Err(ProofError::RootMismatch));
            }
            for m in 1..=n {
                let p = consistency_proof(m as u64, n as u64, l).unwrap();
                verify_consistency(m as u64, n as u64, &root(&l[..m]), &r, &p).unwrap();
                if m < n {
                    assert!(verify_consistency(m as u64, n as u64, &leaf_hash(b"x"), &r, &p).is_err());
                }
            }
        }
    }

    /// RFC 6962's own example trees: the path lengths its section 2.1.3 figures show.
    #[test]
    fn rfc6962_example_shapes() {
        let l = leaves(7);
        assert_eq!(inclusion_proof(0, &l).unwrap().len(), 3);
        assert_eq!(inclusion_proof(6, &l).unwrap().len(), 2);
        assert_eq!(inclusion_proof(3, &l[..4]).unwrap().len(), 2);
        assert_eq!(consistency_proof(3, 7, &l).unwrap().len(), 4);
        assert_eq!(consistency_proof(4, 7, &l).unwrap().len(), 1);
        assert_eq!(consistency_proof(6, 7, &l).unwrap().len(), 3);
    }

    /// The RFC 6962 test vectors Certificate Transparency's implementations share: eight leaves
    /// and the root of every prefix, an inclusion proof and a consistency proof.
    #[test]
    fn certificate_transparency_vectors() {
        let inputs: [&[u8]; 8] = [
            b"",
            b"\x00",
            b"\x10",
            b"\x20\x21",
            b"\x30\x31",
            b"\x40\x41\x42\x43",
            b"\x50\x51\x52\x53\x54\x55\x56\x57",
            b"\x60\x61\x62\x63\x64\x65\x66\x67\x68\x69\x6a\x6b\x6c\x6d\x6e\x6f",
        ];
        let roots = [
            "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
            "fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125",
            "aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77",
            "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
            "4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4",
            "76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef",
            "ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c",
            "5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328",
        ];
        let leaves: Vec<Hash> = inputs.iter().map(|b| leaf_hash(b)).collect();
        for (n, expected) in roots.iter().enumerate() {
            assert_eq!(hex(&root(&leaves[..=n])), *expected, "root of {} leaves", n + 1);
        }
        let path = inclusion_proof(5, &leaves).unwrap();
        let expected = [
            "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b",
            "ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0",
            "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
        ];
        assert_eq!(path.iter().map(hex).collect::<Vec<_>>(), expected);
        let proof = consistency_proof(6, 8, &leaves).unwrap();
        let expected = [
            "0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a",
            "ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0",
            "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
        ];
        assert_eq!(proof.iter().map(hex).collect::<Vec<_>>(), expected);
        let proof = consistency_proof(2, 5, &leaves).unwrap();
        let expected = [
            "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
            "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b",
        ];
        assert_eq!(proof.iter().map(hex).collect::<Vec<_>>(), expected);
    }

    #[test]
    fn hex_round_trips() {
        let h = leaf_hash(b"");
        assert_eq!(from_hex(&hex(&h)), Some(h));
        assert_eq!(from_hex("zz"), None);
        // The well-known empty-tree root of RFC 6962.
        assert_eq!(hex(&empty_root()), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
        // And the leaf hash of the empty string, as Certificate Transparency's test vectors give.
        assert_eq!(hex(&leaf_hash(b"")), "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d");
    }
}
