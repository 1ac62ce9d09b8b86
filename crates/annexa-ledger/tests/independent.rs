//! The tree and its proofs agree with an independent RFC 6962 implementation (the ct-merkle
//! crate) on random trees: same roots, same proof bytes, and each side accepts the other's proofs.

#![allow(clippy::unwrap_used, clippy::expect_used, reason = "tests fail loudly")]

use annexa_ledger::tree;
use ct_merkle::mem_backed_tree::MemoryBackedTree;
use ct_merkle::{ConsistencyProof, InclusionProof, RootHash};
use proptest::prelude::*;
use sha2_digest010::Sha256;

fn concat(hashes: &[tree::Hash]) -> Vec<u8> {
    hashes.iter().flatten().copied().collect()
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 300, ..ProptestConfig::default() })]

    #[test]
    fn agrees_with_ct_merkle(
        items in proptest::collection::vec(proptest::collection::vec(any::<u8>(), 0..40), 1..300),
        pick in any::<prop::sample::Index>(),
        old in any::<prop::sample::Index>(),
    ) {
        let mut theirs: MemoryBackedTree<Sha256, Vec<u8>> = MemoryBackedTree::new();
        for item in &items {
            theirs.push(item.clone());
        }
        let leaves: Vec<tree::Hash> = items.iter().map(|i| tree::leaf_hash(i)).collect();
        let n = leaves.len();
        let root = tree::root(&leaves);
        prop_assert_eq!(theirs.root().as_bytes().to_vec(), root.to_vec());

        let idx = pick.index(n);
        let ours = tree::inclusion_proof(idx as u64, &leaves).unwrap();
        let their_proof = theirs.prove_inclusion(idx);
        prop_assert_eq!(their_proof.as_bytes().to_vec(), concat(&ours));
        let their_root = RootHash::<Sha256>::new(*theirs.root().as_bytes(), n as u64);
        let from_ours = InclusionProof::<Sha256>::from_bytes(concat(&ours));
        prop_assert!(their_root.verify_inclusion(&items[idx], idx as u64, &from_ours).is_ok());
        tree::verify_inclusion(idx as u64, n as u64, &leaves[idx], &ours, &root).unwrap();

        if n >= 2 {
            let m = 1 + old.index(n - 1);
            let ours = tree::consistency_proof(m as u64, n as u64, &leaves).unwrap();
            let their_proof = theirs.prove_consistency(n - m);
            prop_assert_eq!(their_proof.as_bytes().to_vec(), concat(&ours));
            let old_root = tree::root(&leaves[..m]);
            let their_old = RootHash::<Sha256>::new(old_root.into(), m as u64);
            let from_ours = ConsistencyProof::<Sha256>::try_from_bytes(concat(&ours)).unwrap();
            prop_assert!(their_root.verify_consistency(&their_old, &from_ours).is_ok());
            tree::verify_consistency(m as u64, n as u64, &old_root, &root, &ours).unwrap();
        }
    }
}
