// SPDX-License-Identifier: MIT OR Apache-2.0
pragma solidity 0.8.30;

/// @title IVerifier
/// @notice What the bridge asks before it accepts a settlement: does `proof` prove the
/// statement whose public inputs are `publicInputs`?
/// @dev `publicInputs` are Goldilocks field elements (each < p = 2^64 - 2^32 + 1). The bridge
/// passes the four elements of the settlement commitment (a Poseidon Merkle root over every
/// settled batch's 40 public inputs, see `Bridge.settle` and ARCHITECTURE.md), which is the
/// final proof's only public input. A Plonky2 verifier hashes them with Poseidon itself, as
/// plonky2's verifier does with its public inputs.
interface IVerifier {
    /// @notice True when `proof` is accepted for `publicInputs`.
    function verify(uint256[] calldata publicInputs, bytes calldata proof) external view returns (bool);
}
