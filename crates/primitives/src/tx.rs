//! L2 transactions, L1 priority operations and outbox entries: their canonical binary
//! encoding, their field-element encoding and their hashes.
//!
//! ## Binary encoding (big-endian)
//!
//! ```text
//! signed tx  = body | pubkey (40) | signature (80)
//! body       = tag (1) | chain_id (8) | from (20) | nonce (4) | kind fields
//! Transfer       tag 1: to (20) | amount (8)
//! Withdraw       tag 2: l1_recipient (20) | amount (8)
//! SendMessage    tag 3: dst_chain (8) | recipient (20) | value (8) | payload_len (4) | payload
//! ExecuteMessage tag 4: message (see below) | import_index (4) | leaf_index (2) | 10 x sibling (32)
//! message    = src_chain (8) | sender (20) | nonce (4) | dst_chain (8) | recipient (20) | value (8)
//!            | payload_len (4) | payload
//! ```
//!
//! Digests are 32 bytes: four canonical Goldilocks elements as big-endian u64, element 0 first
//! (the bridge's bytes32 form). Decoding rejects unknown tags, truncated input, trailing bytes,
//! payloads over a configurable cap, chain id 0, non-canonical field elements and a leaf index
//! outside the outbox. An inclusion path has exactly [`OUTBOX_DEPTH`] siblings: a shorter or
//! longer one does not decode.
//!
//! ## Hashes
//!
//! A transaction is signed over, and identified by, its body hash:
//! `PoseidonHash::hash_no_pad(body elements)`, where addresses are five 32-bit limbs (most
//! significant first), amounts two 32-bit limbs (high, low), chain ids, nonces and indices one
//! element; the first element is the kind's [`domain`] tag:
//!
//! ```text
//! common       = [tag, chain_id, from(5), nonce]
//! Transfer       common | to(5) | amount(2)
//! Withdraw       common | l1_recipient(5) | amount(2)
//! SendMessage    common | dst_chain | recipient(5) | value(2) | payload_hash(4)
//! ExecuteMessage common | message_hash(4) | import_index | leaf_index
//! ```
//!
//! `payload_hash = hash_no_pad([PAYLOAD, len] | payload as 32-bit big-endian limbs, zero-padded)`.
//! Outbox leaves (what L1 and other chains check):
//! withdrawal `hash_no_pad([LEAF_WITHDRAWAL, sender(5), l1_recipient(5), amount(2)])`,
//! message `hash_no_pad([LEAF_MESSAGE, src_chain, sender(5), nonce, dst_chain, recipient(5),
//! value(2), payload_hash(4)])`. The nonce is the sending transaction's: two messages with the
//! same contents are two leaves, and both execute.
//!
//! ## Executing a message
//!
//! A message is executed under an **imported** message root: import `i` of the destination
//! chain is the `i`-th entry of the bridge's message root queue (a settled batch's outbox
//! root). `ExecuteMessage` names `import_index` and the message's `leaf_index` in that outbox;
//! its nullifier sits at [`nullifier_key`]`(import_index, leaf_index)`, a position rather than
//! a hash, so no one can grind a colliding key to block a message.

use plonky2::{
    field::{
        goldilocks_field::GoldilocksField as F,
        types::{Field, Field64, PrimeField64},
    },
    hash::{hash_types::HashOut, poseidon::PoseidonHash},
    plonk::config::Hasher,
};

use crate::{
    Address, Amount, ChainId,
    bridge::OUTBOX_DEPTH,
    domain,
    merkle::{MerkleProof, NULLIFIER_TREE_DEPTH},
};

/// A Poseidon digest: four Goldilocks elements.
pub type Digest = HashOut<F>;

/// The default cap on a message payload.
pub const DEFAULT_MAX_PAYLOAD: usize = 4 * 1024;
/// Encoded size of an EcGFp5 public key.
pub const PUBKEY_LEN: usize = 40;
/// Encoded size of a Schnorr signature.
pub const SIGNATURE_LEN: usize = 80;

/// A cross-chain message, as it sits in the sender chain's outbox.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Message {
    /// The chain that sent it.
    pub src_chain: ChainId,
    /// The account that sent it.
    pub sender: Address,
    /// The nonce of the transaction that sent it: makes every message leaf unique.
    pub nonce: u32,
    /// The chain it is for.
    pub dst_chain: ChainId,
    /// The account it credits there.
    pub recipient: Address,
    /// The value it carries.
    pub value: Amount,
    /// Opaque data for the recipient.
    pub payload: Vec<u8>,
}

impl Message {
    /// Its outbox leaf: the hash other chains prove inclusion of.
    pub fn hash(&self) -> Digest {
        let mut elements = vec![felt(domain::LEAF_MESSAGE), felt(self.src_chain.get())];
        elements.extend(address_limbs(&self.sender));
        elements.push(felt(u64::from(self.nonce)));
        elements.push(felt(self.dst_chain.get()));
        elements.extend(address_limbs(&self.recipient));
        elements.extend(amount_limbs(self.value));
        elements.extend(payload_hash(&self.payload).elements);
        PoseidonHash::hash_no_pad(&elements)
    }
}

/// What an L2 transaction does.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TxKind {
    /// Move `amount` to `to` on this chain.
    Transfer {
        /// The recipient.
        to: Address,
        /// The amount.
        amount: Amount,
    },
    /// Burn `amount` on L2, claimable on L1 by `l1_recipient` once the batch settles.
    Withdraw {
        /// Who may finalize it on L1.
        l1_recipient: Address,
        /// The amount.
        amount: Amount,
    },
    /// Send `value` and `payload` to `recipient` on `dst_chain`.
    SendMessage {
        /// The destination chain.
        dst_chain: ChainId,
        /// The recipient there.
        recipient: Address,
        /// The value carried (debited here).
        value: Amount,
        /// Opaque data.
        payload: Vec<u8>,
    },
    /// Consume a message another chain sent here, proven against an imported message root.
    ExecuteMessage {
        /// The message.
        message: Message,
        /// Which imported message root (a settled outbox root) holds it.
        import_index: u32,
        /// Its leaf in that outbox (below `2^OUTBOX_DEPTH`).
        leaf_index: u16,
        /// The outbox path from the leaf up: exactly [`OUTBOX_DEPTH`] siblings (boxed: the
        /// other kinds are a tenth of its size).
        siblings: Box<[Digest; OUTBOX_DEPTH]>,
    },
}

/// The signed part of an L2 transaction.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TxBody {
    /// The chain it is for: a transaction for another chain is refused (no replay).
    pub chain_id: ChainId,
    /// The sending account.
    pub from: Address,
    /// The sender's nonce.
    pub nonce: u32,
    /// What it does.
    pub kind: TxKind,
}

/// An L2 transaction with its signer's public key and signature.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SignedTx {
    /// The signed body.
    pub body: TxBody,
    /// The sender's EcGFp5 public key (its hash must be registered on the account).
    pub pubkey: [u8; PUBKEY_LEN],
    /// The Schnorr signature over the body hash.
    pub signature: [u8; SIGNATURE_LEN],
}

/// An operation submitted on L1, executed in order and unsigned (the bridge authenticated it).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PriorityOp {
    /// Credit `amount` to `recipient`.
    Deposit {
        /// Who deposited on L1.
        l1_sender: Address,
        /// The credited L2 account.
        recipient: Address,
        /// The amount.
        amount: Amount,
    },
    /// Bind an L2 public key hash to `account` (the L1 sender).
    RegisterKey {
        /// The account, authenticated on L1 as msg.sender.
        account: Address,
        /// The L2 public key hash.
        pubkey_hash: Digest,
    },
}

impl PriorityOp {
    /// The canonical encoding: `tag (1)`, then Deposit (tag 1) `l1_sender (20) | recipient
    /// (20) | amount (8)` or RegisterKey (tag 2) `account (20) | pubkey_hash (32)`.
    pub fn encode(&self) -> Vec<u8> {
        let mut out = Vec::with_capacity(53);
        match self {
            Self::Deposit {
                l1_sender,
                recipient,
                amount,
            } => {
                out.push(1);
                out.extend_from_slice(l1_sender.as_slice());
                out.extend_from_slice(recipient.as_slice());
                out.extend_from_slice(&amount.gwei().to_be_bytes());
            }
            Self::RegisterKey {
                account,
                pubkey_hash,
            } => {
                out.push(2);
                out.extend_from_slice(account.as_slice());
                out.extend_from_slice(&digest_to_bytes(pubkey_hash));
            }
        }
        out
    }

    /// Decodes [`PriorityOp::encode`]'s form.
    pub fn decode(bytes: &[u8]) -> Result<Self, DecodeError> {
        let mut reader = Reader::new(bytes, 0);
        let op = Self::read(&mut reader)?;
        reader.finish()?;
        Ok(op)
    }

    pub(crate) fn read(reader: &mut Reader<'_>) -> Result<Self, DecodeError> {
        Ok(match reader.u8()? {
            1 => Self::Deposit {
                l1_sender: reader.address()?,
                recipient: reader.address()?,
                amount: reader.amount()?,
            },
            2 => Self::RegisterKey {
                account: reader.address()?,
                pubkey_hash: reader.digest()?,
            },
            other => return Err(DecodeError::UnknownTag(other)),
        })
    }

    /// Its hash in the priority queue commitment:
    /// Deposit `hash_no_pad([OP_DEPOSIT, l1_sender(5), recipient(5), amount(2)])`,
    /// RegisterKey `hash_no_pad([OP_REGISTER_KEY, account(5), pubkey_hash(4)])`.
    pub fn hash(&self) -> Digest {
        let elements: Vec<F> = match self {
            Self::Deposit {
                l1_sender,
                recipient,
                amount,
            } => [felt(domain::OP_DEPOSIT)]
                .into_iter()
                .chain(address_limbs(l1_sender))
                .chain(address_limbs(recipient))
                .chain(amount_limbs(*amount))
                .collect(),
            Self::RegisterKey {
                account,
                pubkey_hash,
            } => [felt(domain::OP_REGISTER_KEY)]
                .into_iter()
                .chain(address_limbs(account))
                .chain(pubkey_hash.elements)
                .collect(),
        };
        PoseidonHash::hash_no_pad(&elements)
    }
}

/// An entry of the outbox: what L1 or another chain can claim once the batch settles.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum OutboxEntry {
    /// An L2 -> L1 withdrawal.
    Withdrawal {
        /// The L2 sender.
        sender: Address,
        /// Who may finalize it on L1.
        l1_recipient: Address,
        /// The amount.
        amount: Amount,
    },
    /// An L2 -> L2 message.
    Message(Message),
}

impl OutboxEntry {
    /// Its leaf in the outbox tree.
    pub fn hash(&self) -> Digest {
        match self {
            Self::Withdrawal {
                sender,
                l1_recipient,
                amount,
            } => {
                let mut elements = vec![felt(domain::LEAF_WITHDRAWAL)];
                elements.extend(address_limbs(sender));
                elements.extend(address_limbs(l1_recipient));
                elements.extend(amount_limbs(*amount));
                PoseidonHash::hash_no_pad(&elements)
            }
            Self::Message(message) => message.hash(),
        }
    }
}

/// Why bytes are not a transaction.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DecodeError {
    /// The input ended inside a field.
    #[error("malformed transaction: truncated at byte {0}")]
    Truncated(usize),
    /// Bytes follow a complete transaction.
    #[error("malformed transaction: {0} trailing bytes")]
    TrailingBytes(usize),
    /// The type tag is not one we know.
    #[error("malformed transaction: unknown type tag {0}")]
    UnknownTag(u8),
    /// A payload over the cap.
    #[error("oversized transaction: payload of {len} bytes, at most {max} allowed")]
    PayloadTooLarge {
        /// Its length.
        len: usize,
        /// The cap.
        max: usize,
    },
    /// A leaf index outside the outbox.
    #[error("malformed transaction: leaf index {0} is outside the outbox (below 1024)")]
    LeafIndex(u16),
    /// A field element at or above the Goldilocks modulus.
    #[error("malformed transaction: non-canonical field element {0}")]
    NonCanonical(u64),
    /// Chain id 0 or above 2^53.
    #[error("malformed transaction: invalid chain id {0}")]
    ChainId(u64),
    /// Parts of a record that must agree do not.
    #[error("malformed record: {0}")]
    Inconsistent(&'static str),
}

impl TxBody {
    /// The body as field elements (see the module docs).
    pub fn elements(&self) -> Vec<F> {
        let mut elements = vec![felt(u64::from(self.tag())), felt(self.chain_id.get())];
        elements.extend(address_limbs(&self.from));
        elements.push(felt(u64::from(self.nonce)));
        match &self.kind {
            TxKind::Transfer { to, amount } => {
                elements.extend(address_limbs(to));
                elements.extend(amount_limbs(*amount));
            }
            TxKind::Withdraw {
                l1_recipient,
                amount,
            } => {
                elements.extend(address_limbs(l1_recipient));
                elements.extend(amount_limbs(*amount));
            }
            TxKind::SendMessage {
                dst_chain,
                recipient,
                value,
                payload,
            } => {
                elements.push(felt(dst_chain.get()));
                elements.extend(address_limbs(recipient));
                elements.extend(amount_limbs(*value));
                elements.extend(payload_hash(payload).elements);
            }
            TxKind::ExecuteMessage {
                message,
                import_index,
                leaf_index,
                ..
            } => {
                elements.extend(message.hash().elements);
                elements.push(felt(u64::from(*import_index)));
                elements.push(felt(u64::from(*leaf_index)));
            }
        }
        elements
    }

    /// The hash the sender signs, which also names the transaction.
    pub fn hash(&self) -> Digest {
        PoseidonHash::hash_no_pad(&self.elements())
    }

    fn tag(&self) -> u8 {
        (match self.kind {
            TxKind::Transfer { .. } => domain::TX_TRANSFER,
            TxKind::Withdraw { .. } => domain::TX_WITHDRAW,
            TxKind::SendMessage { .. } => domain::TX_SEND_MESSAGE,
            TxKind::ExecuteMessage { .. } => domain::TX_EXECUTE_MESSAGE,
        }) as u8
    }

    fn encode_into(&self, out: &mut Vec<u8>) {
        out.push(self.tag());
        out.extend_from_slice(&self.chain_id.get().to_be_bytes());
        out.extend_from_slice(self.from.as_slice());
        out.extend_from_slice(&self.nonce.to_be_bytes());
        match &self.kind {
            TxKind::Transfer { to, amount } => {
                out.extend_from_slice(to.as_slice());
                out.extend_from_slice(&amount.gwei().to_be_bytes());
            }
            TxKind::Withdraw {
                l1_recipient,
                amount,
            } => {
                out.extend_from_slice(l1_recipient.as_slice());
                out.extend_from_slice(&amount.gwei().to_be_bytes());
            }
            TxKind::SendMessage {
                dst_chain,
                recipient,
                value,
                payload,
            } => {
                out.extend_from_slice(&dst_chain.get().to_be_bytes());
                out.extend_from_slice(recipient.as_slice());
                out.extend_from_slice(&value.gwei().to_be_bytes());
                encode_payload(payload, out);
            }
            TxKind::ExecuteMessage {
                message,
                import_index,
                leaf_index,
                siblings,
            } => {
                encode_message(message, out);
                out.extend_from_slice(&import_index.to_be_bytes());
                out.extend_from_slice(&leaf_index.to_be_bytes());
                for sibling in siblings.iter() {
                    out.extend_from_slice(&digest_to_bytes(sibling));
                }
            }
        }
    }
}

impl SignedTx {
    /// The canonical encoding.
    pub fn encode(&self) -> Vec<u8> {
        let mut out = Vec::with_capacity(128 + PUBKEY_LEN + SIGNATURE_LEN);
        self.body.encode_into(&mut out);
        out.extend_from_slice(&self.pubkey);
        out.extend_from_slice(&self.signature);
        out
    }

    /// Decodes the canonical encoding, refusing payloads over `max_payload` bytes.
    pub fn decode(bytes: &[u8], max_payload: usize) -> Result<Self, DecodeError> {
        let mut reader = Reader {
            bytes,
            at: 0,
            max_payload,
        };
        let tag = reader.u8()?;
        let chain_id = reader.chain_id()?;
        let from = reader.address()?;
        let nonce = reader.u32()?;
        let kind = match tag {
            1 => TxKind::Transfer {
                to: reader.address()?,
                amount: reader.amount()?,
            },
            2 => TxKind::Withdraw {
                l1_recipient: reader.address()?,
                amount: reader.amount()?,
            },
            3 => TxKind::SendMessage {
                dst_chain: reader.chain_id()?,
                recipient: reader.address()?,
                value: reader.amount()?,
                payload: reader.payload()?,
            },
            4 => {
                let message = reader.message()?;
                let import_index = reader.u32()?;
                let leaf_index = u16::from_be_bytes(reader.array()?);
                if usize::from(leaf_index) >> OUTBOX_DEPTH != 0 {
                    return Err(DecodeError::LeafIndex(leaf_index));
                }
                let mut siblings = Box::new([Digest::ZERO; OUTBOX_DEPTH]);
                for sibling in siblings.iter_mut() {
                    *sibling = reader.digest()?;
                }
                TxKind::ExecuteMessage {
                    message,
                    import_index,
                    leaf_index,
                    siblings,
                }
            }
            other => return Err(DecodeError::UnknownTag(other)),
        };
        let pubkey = reader.array()?;
        let signature = reader.array()?;
        if reader.at != bytes.len() {
            return Err(DecodeError::TrailingBytes(bytes.len() - reader.at));
        }
        Ok(Self {
            body: TxBody {
                chain_id,
                from,
                nonce,
                kind,
            },
            pubkey,
            signature,
        })
    }

    /// The transaction's id: its body hash as 32 bytes.
    pub fn id(&self) -> [u8; 32] {
        digest_to_bytes(&self.body.hash())
    }
}

fn encode_payload(payload: &[u8], out: &mut Vec<u8>) {
    out.extend_from_slice(&(payload.len() as u32).to_be_bytes());
    out.extend_from_slice(payload);
}

fn encode_message(message: &Message, out: &mut Vec<u8>) {
    out.extend_from_slice(&message.src_chain.get().to_be_bytes());
    out.extend_from_slice(message.sender.as_slice());
    out.extend_from_slice(&message.nonce.to_be_bytes());
    out.extend_from_slice(&message.dst_chain.get().to_be_bytes());
    out.extend_from_slice(message.recipient.as_slice());
    out.extend_from_slice(&message.value.gwei().to_be_bytes());
    encode_payload(&message.payload, out);
}

pub(crate) struct Reader<'a> {
    bytes: &'a [u8],
    at: usize,
    max_payload: usize,
}

impl<'a> Reader<'a> {
    pub(crate) fn new(bytes: &'a [u8], max_payload: usize) -> Self {
        Self {
            bytes,
            at: 0,
            max_payload,
        }
    }

    /// Refuses bytes left over after a complete value.
    pub(crate) fn finish(&self) -> Result<(), DecodeError> {
        if self.at != self.bytes.len() {
            return Err(DecodeError::TrailingBytes(self.bytes.len() - self.at));
        }
        Ok(())
    }

    /// The next `len` bytes as a slice.
    pub(crate) fn bytes(&mut self, len: usize) -> Result<&'a [u8], DecodeError> {
        let end = self
            .at
            .checked_add(len)
            .filter(|end| *end <= self.bytes.len())
            .ok_or(DecodeError::Truncated(self.at))?;
        let slice = &self.bytes[self.at..end];
        self.at = end;
        Ok(slice)
    }

    pub(crate) fn array<const N: usize>(&mut self) -> Result<[u8; N], DecodeError> {
        Ok(self.bytes(N)?.try_into().expect("take returns N bytes"))
    }

    pub(crate) fn u8(&mut self) -> Result<u8, DecodeError> {
        Ok(self.array::<1>()?[0])
    }

    pub(crate) fn u32(&mut self) -> Result<u32, DecodeError> {
        Ok(u32::from_be_bytes(self.array()?))
    }

    pub(crate) fn u64(&mut self) -> Result<u64, DecodeError> {
        Ok(u64::from_be_bytes(self.array()?))
    }

    pub(crate) fn chain_id(&mut self) -> Result<ChainId, DecodeError> {
        let id = self.u64()?;
        ChainId::new(id).map_err(|_| DecodeError::ChainId(id))
    }

    pub(crate) fn address(&mut self) -> Result<Address, DecodeError> {
        Ok(Address::from(self.array::<20>()?))
    }

    pub(crate) fn amount(&mut self) -> Result<Amount, DecodeError> {
        Ok(Amount::from_gwei(self.u64()?))
    }

    pub(crate) fn digest(&mut self) -> Result<Digest, DecodeError> {
        digest_from_bytes(&self.array()?)
    }

    pub(crate) fn payload(&mut self) -> Result<Vec<u8>, DecodeError> {
        let len = self.u32()? as usize;
        if len > self.max_payload {
            return Err(DecodeError::PayloadTooLarge {
                len,
                max: self.max_payload,
            });
        }
        Ok(self.bytes(len)?.to_vec())
    }

    pub(crate) fn message(&mut self) -> Result<Message, DecodeError> {
        Ok(Message {
            src_chain: self.chain_id()?,
            sender: self.address()?,
            nonce: self.u32()?,
            dst_chain: self.chain_id()?,
            recipient: self.address()?,
            value: self.amount()?,
            payload: self.payload()?,
        })
    }
}

/// A canonical field element from a value known to be below the modulus.
fn felt(value: u64) -> F {
    F::from_canonical_u64(value)
}

/// An address as five 32-bit limbs, most significant first.
pub fn address_limbs(address: &Address) -> [F; 5] {
    let mut limbs = [F::ZERO; 5];
    for (limb, chunk) in limbs.iter_mut().zip(address.as_slice().chunks(4)) {
        *limb = F::from_canonical_u32(u32::from_be_bytes(chunk.try_into().expect("4-byte chunks")));
    }
    limbs
}

/// An amount as two 32-bit limbs: high, low.
pub fn amount_limbs(amount: Amount) -> [F; 2] {
    let gwei = amount.gwei();
    [felt(gwei >> 32), felt(gwei & 0xffff_ffff)]
}

/// The hash of a payload: `hash_no_pad([PAYLOAD, len] | 32-bit big-endian limbs, zero-padded)`.
pub fn payload_hash(payload: &[u8]) -> Digest {
    let mut elements = vec![felt(domain::PAYLOAD), felt(payload.len() as u64)];
    for chunk in payload.chunks(4) {
        let mut limb = [0u8; 4];
        limb[..chunk.len()].copy_from_slice(chunk);
        elements.push(F::from_canonical_u32(u32::from_be_bytes(limb)));
    }
    PoseidonHash::hash_no_pad(&elements)
}

/// The nullifier tree key of the message at `leaf_index` of import `import_index`:
/// `import_index * 2^OUTBOX_DEPTH + leaf_index`, below `2^NULLIFIER_TREE_DEPTH`.
pub fn nullifier_key(import_index: u32, leaf_index: u16) -> u64 {
    const _: () = assert!(32 + OUTBOX_DEPTH == NULLIFIER_TREE_DEPTH as usize);
    (u64::from(import_index) << OUTBOX_DEPTH) | u64::from(leaf_index)
}

/// The nullifier leaf of an executed message: `hash_no_pad([NULLIFIER_LEAF, message_hash(4)])`.
pub fn nullifier_leaf(message_hash: &Digest) -> Digest {
    let mut elements = vec![felt(domain::NULLIFIER_LEAF)];
    elements.extend(message_hash.elements);
    PoseidonHash::hash_no_pad(&elements)
}

/// The leaf of an imported message root: `hash_no_pad([IMPORTED_ROOT_LEAF, root(4)])`.
pub fn imported_root_leaf(root: &Digest) -> Digest {
    let mut elements = vec![felt(domain::IMPORTED_ROOT_LEAF)];
    elements.extend(root.elements);
    PoseidonHash::hash_no_pad(&elements)
}

/// The receipt id of the L1 priority operation at `queue_index` of the chain's queue: keyed by
/// position, so two identical operations (the same deposit twice) get two receipts. Its first
/// word is `2^64 - 1`, never a word of a canonical digest, so it never collides with a
/// transaction id.
pub fn priority_receipt_id(queue_index: u64) -> [u8; 32] {
    receipt_id(0, queue_index)
}

/// The receipt id of genesis operation `position` (block 0 is not the L1 queue).
pub fn genesis_receipt_id(position: u64) -> [u8; 32] {
    receipt_id(1, position)
}

fn receipt_id(kind: u8, index: u64) -> [u8; 32] {
    let mut id = [0; 32];
    id[..8].copy_from_slice(&[0xff; 8]);
    id[15] = kind;
    id[24..].copy_from_slice(&index.to_be_bytes());
    id
}

/// The outbox path of an `ExecuteMessage`, as a [`MerkleProof`].
pub fn outbox_path(leaf_index: u16, siblings: &[Digest; OUTBOX_DEPTH]) -> MerkleProof {
    MerkleProof {
        index: u64::from(leaf_index),
        siblings: siblings.to_vec(),
    }
}

/// A digest as 32 bytes: four big-endian u64, element 0 first.
pub fn digest_to_bytes(digest: &Digest) -> [u8; 32] {
    let mut bytes = [0; 32];
    for (chunk, element) in bytes.chunks_mut(8).zip(digest.elements) {
        chunk.copy_from_slice(&element.to_canonical_u64().to_be_bytes());
    }
    bytes
}

/// Reads [`digest_to_bytes`]'s form, refusing non-canonical elements.
pub fn digest_from_bytes(bytes: &[u8; 32]) -> Result<Digest, DecodeError> {
    let mut elements = [F::ZERO; 4];
    for (element, chunk) in elements.iter_mut().zip(bytes.chunks(8)) {
        let value = u64::from_be_bytes(chunk.try_into().expect("8-byte chunks"));
        if value >= F::ORDER {
            return Err(DecodeError::NonCanonical(value));
        }
        *element = felt(value);
    }
    Ok(HashOut { elements })
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;

    fn chain(id: u64) -> ChainId {
        ChainId::new(id).unwrap()
    }

    fn sample(kind: TxKind) -> SignedTx {
        SignedTx {
            body: TxBody {
                chain_id: chain(270),
                from: Address::with_last_byte(1),
                nonce: 3,
                kind,
            },
            pubkey: [7; PUBKEY_LEN],
            signature: [9; SIGNATURE_LEN],
        }
    }

    fn message() -> Message {
        Message {
            src_chain: chain(271),
            sender: Address::with_last_byte(2),
            nonce: 4,
            dst_chain: chain(270),
            recipient: Address::with_last_byte(3),
            value: Amount::from_gwei(5),
            payload: b"hello".to_vec(),
        }
    }

    fn every_kind() -> Vec<SignedTx> {
        vec![
            sample(TxKind::Transfer {
                to: Address::with_last_byte(2),
                amount: Amount::from_gwei(10),
            }),
            sample(TxKind::Withdraw {
                l1_recipient: Address::with_last_byte(2),
                amount: Amount::from_gwei(10),
            }),
            sample(TxKind::SendMessage {
                dst_chain: chain(271),
                recipient: Address::with_last_byte(4),
                value: Amount::from_gwei(1),
                payload: vec![1, 2, 3],
            }),
            sample(TxKind::ExecuteMessage {
                message: message(),
                import_index: 7,
                leaf_index: 5,
                siblings: Box::new([message().hash(); OUTBOX_DEPTH]),
            }),
        ]
    }

    #[test]
    fn every_kind_round_trips() {
        for tx in every_kind() {
            assert_eq!(SignedTx::decode(&tx.encode(), DEFAULT_MAX_PAYLOAD), Ok(tx));
        }
    }

    #[test]
    fn decoding_names_each_malformation() {
        let bytes = every_kind()[0].encode();
        let mut trailing = bytes.clone();
        trailing.push(0);
        assert_eq!(
            SignedTx::decode(&trailing, 64),
            Err(DecodeError::TrailingBytes(1))
        );
        assert_eq!(
            SignedTx::decode(&bytes[..bytes.len() - 1], 64),
            Err(DecodeError::Truncated(bytes.len() - 80))
        );
        let mut unknown = bytes.clone();
        unknown[0] = 9;
        assert_eq!(
            SignedTx::decode(&unknown, 64),
            Err(DecodeError::UnknownTag(9))
        );
        let mut zero_chain = bytes.clone();
        zero_chain[1..9].copy_from_slice(&[0; 8]);
        assert_eq!(
            SignedTx::decode(&zero_chain, 64),
            Err(DecodeError::ChainId(0))
        );
        assert_eq!(SignedTx::decode(&[], 64), Err(DecodeError::Truncated(0)));

        let big = sample(TxKind::SendMessage {
            dst_chain: chain(271),
            recipient: Address::ZERO,
            value: Amount::ZERO,
            payload: vec![0; 65],
        });
        assert_eq!(
            SignedTx::decode(&big.encode(), 64),
            Err(DecodeError::PayloadTooLarge { len: 65, max: 64 })
        );

        let execute = every_kind()[3].encode();
        let siblings_at = execute.len() - 80 - 40 - OUTBOX_DEPTH * 32;
        let mut non_canonical = execute.clone();
        non_canonical[siblings_at..siblings_at + 8].copy_from_slice(&[0xff; 8]);
        assert_eq!(
            SignedTx::decode(&non_canonical, 64),
            Err(DecodeError::NonCanonical(u64::MAX))
        );
        let mut outside = execute.clone();
        outside[siblings_at - 2..siblings_at].copy_from_slice(&1024u16.to_be_bytes());
        assert_eq!(
            SignedTx::decode(&outside, 64),
            Err(DecodeError::LeafIndex(1024))
        );
    }

    #[test]
    fn an_inclusion_path_of_another_length_does_not_decode() {
        let execute = every_kind()[3].encode();
        let (body, signed) = execute.split_at(execute.len() - 120);
        let mut shorter = body[..body.len() - 32].to_vec();
        shorter.extend_from_slice(signed);
        assert!(matches!(
            SignedTx::decode(&shorter, 64),
            Err(DecodeError::Truncated(_))
        ));
        let mut longer = body.to_vec();
        longer.extend_from_slice(&[0; 32]);
        longer.extend_from_slice(signed);
        assert_eq!(
            SignedTx::decode(&longer, 64),
            Err(DecodeError::TrailingBytes(32))
        );
    }

    #[test]
    fn identical_messages_of_two_transactions_are_two_leaves() {
        let first = message();
        let second = Message {
            nonce: first.nonce + 1,
            ..first.clone()
        };
        assert_ne!(first.hash(), second.hash());
    }

    #[test]
    fn nullifier_keys_are_positions_and_never_collide() {
        assert_eq!(nullifier_key(0, 0), 0);
        assert_eq!(nullifier_key(0, 1023), 1023);
        assert_eq!(nullifier_key(1, 0), 1024);
        assert!(nullifier_key(u32::MAX, 1023) < 1 << NULLIFIER_TREE_DEPTH);
    }

    #[test]
    fn every_hash_kind_has_its_own_tag() {
        // A deposit and a withdrawal leaf once shared a layout: now they differ by tag.
        let (a, b) = (Address::with_last_byte(1), Address::with_last_byte(2));
        let deposit = PriorityOp::Deposit {
            l1_sender: a,
            recipient: b,
            amount: Amount::from_gwei(5),
        };
        let withdrawal = OutboxEntry::Withdrawal {
            sender: a,
            l1_recipient: b,
            amount: Amount::from_gwei(5),
        };
        assert_ne!(deposit.hash(), withdrawal.hash());
        let root = message().hash();
        assert_ne!(nullifier_leaf(&root), imported_root_leaf(&root));
    }

    #[test]
    fn hashes_bind_every_field() {
        let txs = every_kind();
        let base = txs[0].body.hash();
        let mut other_chain = txs[0].body.clone();
        other_chain.chain_id = chain(271);
        let mut other_nonce = txs[0].body.clone();
        other_nonce.nonce += 1;
        assert_ne!(
            other_chain.hash(),
            base,
            "the chain id is signed: no replay across chains"
        );
        assert_ne!(other_nonce.hash(), base);
        assert_ne!(txs[1].body.hash(), base, "kinds differ by tag");
        assert_ne!(
            payload_hash(&[0]),
            payload_hash(&[0, 0]),
            "the length is hashed"
        );
        let mut paid = message();
        paid.value = Amount::from_gwei(6);
        assert_ne!(paid.hash(), message().hash());
    }

    proptest! {
        #[test]
        fn decode_never_panics(bytes in proptest::collection::vec(any::<u8>(), 0..400)) {
            let _ = SignedTx::decode(&bytes, 64);
        }

        #[test]
        fn digest_bytes_round_trip(elements in proptest::array::uniform4(0u64..F::ORDER)) {
            let digest = HashOut { elements: elements.map(felt) };
            prop_assert_eq!(digest_from_bytes(&digest_to_bytes(&digest)), Ok(digest));
        }
    }
}
