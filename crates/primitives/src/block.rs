//! Blocks and batches: what the sequencer commits, serves over JSON-RPC and hands to provers.
//!
//! ## Block
//!
//! A block is a header plus its slots in execution order: message roots imported from the
//! bridge's queue (first), L1 priority operations (in queue order), then L2 transactions.
//! Replaying the bodies of blocks `0..=n` on an empty state gives block `n`'s state root.
//!
//! ```text
//! header  = number (8) | parent_hash (32) | timestamp_ms (8) | state_root (32)
//!         | slots_hash (32) | slot_count (4) | priority_count (4) | import_count (4)
//!         | value_out (8) | value_in (8)
//! block   = header | slots (4) | slots x slot
//! slot    = tag (1: tx, 2: priority op, 3: import) | len (4) | the tx's or op's canonical
//!           encoding, or the imported root (32)
//! ```
//!
//! `state_root` is the root over every tree ([`crate::bridge::StateCommitment::root`]).
//! `slots_hash` is a rolling commitment over the slots' hashes (a transaction's body hash, a
//! priority operation's [`PriorityOp::hash`], an import's [`imported_root_leaf`]): `h_0 =
//! seed(SLOTS)`, `h_{i+1} = two_to_one(h_i, slot_hash_i)`. The block hash is
//! `hash_no_pad(BLOCK_HEADER, number, parent_hash(4), timestamp_ms, state_root(4),
//! slots_hash(4), slot_count, priority_count, import_count, value_out(2), value_in(2))`, where
//! `value_out` is what the block's messages sent to other chains and `value_in` what the
//! messages it executed brought in (gwei, as two 32-bit limbs).
//!
//! ## Batch
//!
//! A batch seals consecutive blocks for one proof; its record carries the public inputs of
//! [`BatchPublicInputs`] computed natively and the proof status. Its pubdata commitment is the
//! rolling `two_to_one` commitment over its blocks' `slots_hash`, in order, from `seed(PUBDATA)`.

use plonky2::{field::types::Field, hash::poseidon::PoseidonHash, plonk::config::Hasher};

use crate::{
    Amount,
    bridge::{BatchPublicInputs, F, two_to_one},
    domain,
    tx::{
        DecodeError, Digest, PriorityOp, Reader, SignedTx, amount_limbs, digest_to_bytes,
        imported_root_leaf,
    },
};

/// One slot of a block.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Slot {
    /// An L2 transaction.
    Tx(Box<SignedTx>),
    /// An L1 priority operation (or a genesis allocation, in block 0).
    Priority(PriorityOp),
    /// The next message root of the bridge's queue (a settled batch's outbox root), appended
    /// to the chain's imported-roots tree.
    Import(Digest),
}

impl Slot {
    /// The slot's hash in the block's `slots_hash`.
    #[inline]
    pub fn hash(&self) -> Digest {
        match self {
            Self::Tx(tx) => tx.body.hash(),
            Self::Priority(op) => op.hash(),
            Self::Import(root) => imported_root_leaf(root),
        }
    }
}

/// A block's header.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct BlockHeader {
    /// The block's number; genesis is 0.
    pub number: u64,
    /// The previous block's hash; `[0; 4]` for genesis.
    pub parent_hash: Digest,
    /// When the block was produced, in milliseconds since the Unix epoch (below 2^53).
    pub timestamp_ms: u64,
    /// The state root after the block: the root over every tree.
    pub state_root: Digest,
    /// The rolling commitment over the slots' hashes.
    pub slots_hash: Digest,
    /// The number of slots.
    pub slot_count: u32,
    /// How many of them are L1 priority operations.
    pub priority_count: u32,
    /// How many of them import message roots.
    pub import_count: u32,
    /// The value the block's `SendMessage`s carried out of the chain.
    pub value_out: Amount,
    /// The value the messages it executed brought in.
    pub value_in: Amount,
}

/// The encoded size of a [`BlockHeader`].
pub const HEADER_LEN: usize = 8 + 32 + 8 + 32 + 32 + 4 + 4 + 4 + 8 + 8;

impl BlockHeader {
    /// The block hash (see the module docs).
    #[inline]
    pub fn hash(&self) -> Digest {
        let mut elements = Vec::with_capacity(20);
        elements.push(F::from_canonical_u64(domain::BLOCK_HEADER));
        elements.push(F::from_noncanonical_u64(self.number));
        elements.extend(self.parent_hash.elements);
        elements.push(F::from_noncanonical_u64(self.timestamp_ms));
        elements.extend(self.state_root.elements);
        elements.extend(self.slots_hash.elements);
        elements.push(F::from_canonical_u32(self.slot_count));
        elements.push(F::from_canonical_u32(self.priority_count));
        elements.push(F::from_canonical_u32(self.import_count));
        elements.extend(amount_limbs(self.value_out));
        elements.extend(amount_limbs(self.value_in));
        PoseidonHash::hash_no_pad(&elements)
    }

    /// The header alone, as it starts [`Block::encode`]'s form ([`HEADER_LEN`] bytes).
    pub fn encode(&self) -> Vec<u8> {
        let mut out = Vec::with_capacity(HEADER_LEN);
        self.encode_into(&mut out);
        out
    }

    /// Decodes [`BlockHeader::encode`]'s form: exactly [`HEADER_LEN`] bytes, trailing bytes
    /// refused.
    pub fn decode(bytes: &[u8]) -> Result<Self, DecodeError> {
        let mut reader = Reader::new(bytes, 0);
        let header = Self::read(&mut reader)?;
        reader.finish()?;
        Ok(header)
    }

    fn encode_into(&self, out: &mut Vec<u8>) {
        out.extend_from_slice(&self.number.to_be_bytes());
        out.extend_from_slice(&digest_to_bytes(&self.parent_hash));
        out.extend_from_slice(&self.timestamp_ms.to_be_bytes());
        out.extend_from_slice(&digest_to_bytes(&self.state_root));
        out.extend_from_slice(&digest_to_bytes(&self.slots_hash));
        out.extend_from_slice(&self.slot_count.to_be_bytes());
        out.extend_from_slice(&self.priority_count.to_be_bytes());
        out.extend_from_slice(&self.import_count.to_be_bytes());
        out.extend_from_slice(&self.value_out.gwei().to_be_bytes());
        out.extend_from_slice(&self.value_in.gwei().to_be_bytes());
    }

    fn read(reader: &mut Reader<'_>) -> Result<Self, DecodeError> {
        Ok(Self {
            number: reader.u64()?,
            parent_hash: reader.digest()?,
            timestamp_ms: reader.u64()?,
            state_root: reader.digest()?,
            slots_hash: reader.digest()?,
            slot_count: reader.u32()?,
            priority_count: reader.u32()?,
            import_count: reader.u32()?,
            value_out: reader.amount()?,
            value_in: reader.amount()?,
        })
    }
}

/// The rolling commitment over slot hashes: `two_to_one(previous, slot_hash)`.
#[inline]
pub fn next_slots_hash(previous: Digest, slot_hash: Digest) -> Digest {
    two_to_one(previous, slot_hash)
}

/// `h_0` of every block's slots hash: `hash_no_pad([SLOTS])`.
#[inline]
pub fn slots_hash_seed() -> Digest {
    domain::seed(domain::SLOTS)
}

/// A whole block: header and body.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Block {
    /// The header.
    pub header: BlockHeader,
    /// The slots, in execution order.
    pub slots: Vec<Slot>,
}

impl Block {
    /// The canonical encoding (see the module docs).
    pub fn encode(&self) -> Vec<u8> {
        let mut out = Vec::with_capacity(HEADER_LEN + 8 + self.slots.len() * 200);
        self.header.encode_into(&mut out);
        out.extend_from_slice(&(self.slots.len() as u32).to_be_bytes());
        for slot in &self.slots {
            let (tag, bytes) = match slot {
                Slot::Tx(tx) => (1, tx.encode()),
                Slot::Priority(op) => (2, op.encode()),
                Slot::Import(root) => (3, digest_to_bytes(root).to_vec()),
            };
            out.push(tag);
            out.extend_from_slice(&(bytes.len() as u32).to_be_bytes());
            out.extend_from_slice(&bytes);
        }
        out
    }

    /// Decodes [`Block::encode`]'s form; transaction payloads may be up to `max_payload` bytes.
    /// Checks that the header's slot counts and `slots_hash` match the body.
    pub fn decode(bytes: &[u8], max_payload: usize) -> Result<Self, DecodeError> {
        let block = Self::decode_trusted(bytes, max_payload)?;
        if block.header.slots_hash != block.slots_hash() {
            return Err(DecodeError::Inconsistent(
                "the header does not commit to the block's slots",
            ));
        }
        Ok(block)
    }

    /// Decodes [`Block::encode`]'s form, checking the slot counts but not `slots_hash` (one
    /// Poseidon hash per slot): for bytes from a store that only holds blocks it checked.
    pub fn decode_trusted(bytes: &[u8], max_payload: usize) -> Result<Self, DecodeError> {
        let mut reader = Reader::new(bytes, max_payload);
        let header = BlockHeader::read(&mut reader)?;
        let count = reader.u32()?;
        let mut slots = Vec::new();
        for _ in 0..count {
            let tag = reader.u8()?;
            let len = reader.u32()? as usize;
            let body = reader.bytes(len)?;
            slots.push(match tag {
                1 => Slot::Tx(Box::new(SignedTx::decode(body, max_payload)?)),
                2 => Slot::Priority(PriorityOp::decode(body)?),
                3 => {
                    let mut root = Reader::new(body, 0);
                    let digest = root.digest()?;
                    root.finish()?;
                    Slot::Import(digest)
                }
                other => return Err(DecodeError::UnknownTag(other)),
            });
        }
        reader.finish()?;
        let block = Self { header, slots };
        if block.header.slot_count as usize != block.slots.len()
            || block.header.priority_count as usize != block.priority_count()
            || block.header.import_count as usize != block.imports().count()
        {
            return Err(DecodeError::Inconsistent(
                "the header does not commit to the block's slots",
            ));
        }
        Ok(block)
    }

    /// Decodes only the header at the start of [`Block::encode`]'s form: no slot is read
    /// or checked (for callers that trust the store and need the header alone).
    pub fn decode_header(bytes: &[u8]) -> Result<BlockHeader, DecodeError> {
        let mut reader = Reader::new(bytes, 0);
        BlockHeader::read(&mut reader)
    }

    /// The rolling commitment over this block's slots.
    pub fn slots_hash(&self) -> Digest {
        self.slots.iter().fold(slots_hash_seed(), |hash, slot| {
            next_slots_hash(hash, slot.hash())
        })
    }

    /// The message roots this block imported, in order.
    pub fn imports(&self) -> impl Iterator<Item = &Digest> {
        self.slots.iter().filter_map(|slot| match slot {
            Slot::Import(root) => Some(root),
            _ => None,
        })
    }

    /// The priority operations this block applied, in order.
    pub fn priority_ops(&self) -> impl Iterator<Item = &PriorityOp> {
        self.slots.iter().filter_map(|slot| match slot {
            Slot::Priority(op) => Some(op),
            _ => None,
        })
    }

    /// How many slots are priority operations.
    pub fn priority_count(&self) -> usize {
        self.slots
            .iter()
            .filter(|slot| matches!(slot, Slot::Priority(_)))
            .count()
    }

    /// The block hash.
    #[inline]
    pub fn hash(&self) -> Digest {
        self.header.hash()
    }
}

/// Where a batch's proof stands (lowercase words in JSON).
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ProofStatus {
    /// Not proven yet.
    Pending,
    /// Proven; the proof is stored with the batch.
    Proven,
    /// Settled on L1.
    Settled,
}

impl ProofStatus {
    /// The status as a lowercase word.
    pub fn as_str(&self) -> &'static str {
        match self {
            Self::Pending => "pending",
            Self::Proven => "proven",
            Self::Settled => "settled",
        }
    }
}

/// A sealed batch: its blocks, its public inputs and its proof status.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BatchRecord {
    /// The batch's first block.
    pub first_block: u64,
    /// The batch's last block.
    pub last_block: u64,
    /// The public inputs (design §5 step 3), computed natively.
    pub public_inputs: BatchPublicInputs,
    /// The proof status.
    pub proof_status: ProofStatus,
}

impl BatchRecord {
    /// The batch number.
    pub fn number(&self) -> u64 {
        self.public_inputs.batch_number
    }

    /// The storage encoding: first (8) | last (8) | status (1) | chain id (8) | number (8) |
    /// old root | new root | priority count (8) | commitment before | after | imports count (8)
    /// | commitment before | after | outbox root | value out (8) | value in (8) | pubdata
    /// commitment (digests 32 bytes each).
    pub fn encode(&self) -> Vec<u8> {
        let inputs = &self.public_inputs;
        let mut out = Vec::with_capacity(225);
        out.extend_from_slice(&self.first_block.to_be_bytes());
        out.extend_from_slice(&self.last_block.to_be_bytes());
        out.push(match self.proof_status {
            ProofStatus::Pending => 0,
            ProofStatus::Proven => 1,
            ProofStatus::Settled => 2,
        });
        out.extend_from_slice(&inputs.chain_id.get().to_be_bytes());
        out.extend_from_slice(&inputs.batch_number.to_be_bytes());
        out.extend_from_slice(&digest_to_bytes(&inputs.old_state_root));
        out.extend_from_slice(&digest_to_bytes(&inputs.new_state_root));
        out.extend_from_slice(&inputs.priority_ops_count.to_be_bytes());
        out.extend_from_slice(&digest_to_bytes(&inputs.priority_commitment_before));
        out.extend_from_slice(&digest_to_bytes(&inputs.priority_commitment_after));
        out.extend_from_slice(&inputs.imports_count.to_be_bytes());
        out.extend_from_slice(&digest_to_bytes(&inputs.imports_commitment_before));
        out.extend_from_slice(&digest_to_bytes(&inputs.imports_commitment_after));
        out.extend_from_slice(&digest_to_bytes(&inputs.outbox_root));
        out.extend_from_slice(&inputs.value_out.gwei().to_be_bytes());
        out.extend_from_slice(&inputs.value_in.gwei().to_be_bytes());
        out.extend_from_slice(&digest_to_bytes(&inputs.pubdata_commitment));
        out
    }

    /// Decodes [`BatchRecord::encode`]'s form.
    pub fn decode(bytes: &[u8]) -> Result<Self, DecodeError> {
        let mut reader = Reader::new(bytes, 0);
        let first_block = reader.u64()?;
        let last_block = reader.u64()?;
        let proof_status = match reader.u8()? {
            0 => ProofStatus::Pending,
            1 => ProofStatus::Proven,
            2 => ProofStatus::Settled,
            other => return Err(DecodeError::UnknownTag(other)),
        };
        let chain_id = reader.chain_id()?;
        let public_inputs = BatchPublicInputs {
            chain_id,
            batch_number: reader.u64()?,
            old_state_root: reader.digest()?,
            new_state_root: reader.digest()?,
            priority_ops_count: reader.u64()?,
            priority_commitment_before: reader.digest()?,
            priority_commitment_after: reader.digest()?,
            imports_count: reader.u64()?,
            imports_commitment_before: reader.digest()?,
            imports_commitment_after: reader.digest()?,
            outbox_root: reader.digest()?,
            value_out: reader.amount()?,
            value_in: reader.amount()?,
            pubdata_commitment: reader.digest()?,
        };
        reader.finish()?;
        Ok(Self {
            first_block,
            last_block,
            public_inputs,
            proof_status,
        })
    }
}

/// The pubdata commitment over a batch's blocks (their `slots_hash`, in order).
pub fn pubdata_commitment<'a>(slots_hashes: impl IntoIterator<Item = &'a Digest>) -> Digest {
    slots_hashes
        .into_iter()
        .fold(domain::seed(domain::PUBDATA), |commitment, hash| {
            two_to_one(commitment, *hash)
        })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{
        Address, Amount, ChainId,
        bridge::ZERO_DIGEST,
        tx::{TxBody, TxKind},
    };

    fn block() -> Block {
        let tx = SignedTx {
            body: TxBody {
                chain_id: ChainId::new(270).unwrap(),
                from: Address::repeat_byte(1),
                nonce: 3,
                kind: TxKind::Transfer {
                    to: Address::repeat_byte(2),
                    amount: Amount::from_gwei(5),
                },
            },
            pubkey: [7; 40],
            signature: [9; 80],
        };
        let op = PriorityOp::Deposit {
            l1_sender: Address::repeat_byte(3),
            recipient: Address::repeat_byte(4),
            amount: Amount::from_gwei(6),
        };
        let mut block = Block {
            header: BlockHeader {
                number: 7,
                parent_hash: PoseidonHash::hash_no_pad(&[F::ONE]),
                timestamp_ms: 1_700_000_000_000,
                state_root: PoseidonHash::hash_no_pad(&[F::TWO]),
                slots_hash: ZERO_DIGEST,
                slot_count: 3,
                priority_count: 1,
                import_count: 1,
                value_out: Amount::from_gwei(8),
                value_in: Amount::ZERO,
            },
            slots: vec![
                Slot::Import(PoseidonHash::hash_no_pad(&[F::ZERO])),
                Slot::Priority(op),
                Slot::Tx(Box::new(tx)),
            ],
        };
        block.header.slots_hash = block.slots_hash();
        block
    }

    #[test]
    fn block_round_trips() {
        let block = block();
        let decoded = Block::decode(&block.encode(), 1024).unwrap();
        assert_eq!(decoded, block);
        assert_eq!(decoded.hash(), block.hash());
    }

    #[test]
    fn block_decode_refuses_a_header_that_does_not_match_the_slots() {
        let mut block = block();
        block.header.slot_count = 1;
        assert!(matches!(
            Block::decode(&block.encode(), 1024),
            Err(DecodeError::Inconsistent(_))
        ));
        let mut block = self::block();
        block.slots.pop();
        block.header.slot_count = 2;
        assert!(matches!(
            Block::decode(&block.encode(), 1024),
            Err(DecodeError::Inconsistent(_))
        ));
        let mut block = self::block();
        block.header.import_count = 0;
        assert!(matches!(
            Block::decode(&block.encode(), 1024),
            Err(DecodeError::Inconsistent(_))
        ));
    }

    #[test]
    fn a_header_round_trips_alone_and_refuses_short_or_long_input() {
        let header = block().header;
        let bytes = header.encode();
        assert_eq!(bytes.len(), HEADER_LEN);
        assert_eq!(BlockHeader::decode(&bytes), Ok(header));
        assert!(BlockHeader::decode(&bytes[..HEADER_LEN - 1]).is_err());
        let mut long = bytes.clone();
        long.push(0);
        assert!(BlockHeader::decode(&long).is_err());
    }

    #[test]
    fn block_decode_refuses_truncation_and_trailing_bytes() {
        let bytes = block().encode();
        for cut in [0, 10, HEADER_LEN, bytes.len() - 1] {
            assert!(Block::decode(&bytes[..cut], 1024).is_err(), "cut at {cut}");
        }
        let mut long = bytes.clone();
        long.push(0);
        assert_eq!(
            Block::decode(&long, 1024),
            Err(DecodeError::TrailingBytes(1))
        );
    }

    #[test]
    fn block_hash_depends_on_every_header_field() {
        let base = block().header;
        let mut changed = Vec::new();
        let mut header = base;
        header.number += 1;
        changed.push(header);
        let mut header = base;
        header.timestamp_ms += 1;
        changed.push(header);
        let mut header = base;
        header.parent_hash = ZERO_DIGEST;
        changed.push(header);
        let mut header = base;
        header.state_root = ZERO_DIGEST;
        changed.push(header);
        let mut header = base;
        header.priority_count = 0;
        changed.push(header);
        let mut header = base;
        header.import_count = 0;
        changed.push(header);
        let mut header = base;
        header.value_out = Amount::ZERO;
        changed.push(header);
        let mut header = base;
        header.value_in = Amount::from_gwei(1);
        changed.push(header);
        for header in changed {
            assert_ne!(header.hash(), base.hash());
        }
    }

    #[test]
    fn priority_op_round_trips() {
        for op in [
            PriorityOp::Deposit {
                l1_sender: Address::repeat_byte(3),
                recipient: Address::repeat_byte(4),
                amount: Amount::from_gwei(u64::MAX),
            },
            PriorityOp::RegisterKey {
                account: Address::repeat_byte(5),
                pubkey_hash: PoseidonHash::hash_no_pad(&[F::ONE]),
            },
        ] {
            assert_eq!(PriorityOp::decode(&op.encode()).unwrap(), op);
        }
        assert_eq!(PriorityOp::decode(&[9]), Err(DecodeError::UnknownTag(9)));
    }

    #[test]
    fn batch_record_round_trips() {
        let record = BatchRecord {
            first_block: 5,
            last_block: 8,
            public_inputs: BatchPublicInputs {
                chain_id: ChainId::new(271).unwrap(),
                batch_number: 2,
                old_state_root: PoseidonHash::hash_no_pad(&[F::ONE]),
                new_state_root: PoseidonHash::hash_no_pad(&[F::TWO]),
                priority_ops_count: 3,
                priority_commitment_before: ZERO_DIGEST,
                priority_commitment_after: PoseidonHash::hash_no_pad(&[F::ZERO]),
                imports_count: 2,
                imports_commitment_before: PoseidonHash::hash_no_pad(&[F::ONE, F::ONE]),
                imports_commitment_after: PoseidonHash::hash_no_pad(&[F::TWO, F::ONE]),
                outbox_root: ZERO_DIGEST,
                value_out: Amount::from_gwei(u64::MAX),
                value_in: Amount::from_gwei(3),
                pubdata_commitment: pubdata_commitment(&[ZERO_DIGEST]),
            },
            proof_status: ProofStatus::Pending,
        };
        assert_eq!(BatchRecord::decode(&record.encode()).unwrap(), record);
    }
}
