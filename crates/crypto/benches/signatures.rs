//! Criterion benchmarks of the native signature scheme: sign, verify, point decoding and
//! the scalar multiplications behind them. `cargo bench -p hyperforge-crypto`.

use std::hint::black_box;

use criterion::{Criterion, criterion_group, criterion_main};
use hyperforge_crypto::curve::Point;
use hyperforge_crypto::derive::secret_key_from_ethereum_key;
use hyperforge_crypto::{GFp, Scalar, split_challenge};
use plonky2::field::types::Field;

fn benches(c: &mut Criterion) {
    let sk = secret_key_from_ethereum_key(&[0x42; 32]).expect("valid key");
    let pk = sk.public_key();
    let message = [
        GFp::from_canonical_u64(1),
        GFp::TWO,
        GFp::ZERO,
        GFp::NEG_ONE,
    ];
    let signature = sk.sign(&message);
    let scalar = Scalar::from_le_bytes_reduced(&[0x5c; 64]);
    let point = Point::mul_generator(&scalar);
    let encoding = point.encode();
    // Build the generator tables outside the measurements.
    black_box(Point::mul_generator(&Scalar::ONE));

    c.bench_function("sign", |b| {
        b.iter(|| sk.sign_with_public_key(&pk, black_box(&message)))
    });
    c.bench_function("verify", |b| {
        b.iter(|| {
            pk.verify(black_box(&message), black_box(&signature))
                .expect("valid")
        })
    });
    c.bench_function("decode", |b| {
        b.iter(|| Point::decode(black_box(&encoding)).expect("valid"))
    });
    c.bench_function("encode", |b| b.iter(|| black_box(&point).encode()));
    c.bench_function("mul_generator", |b| {
        b.iter(|| Point::mul_generator(black_box(&scalar)))
    });
    c.bench_function("mul_variable_base", |b| {
        b.iter(|| black_box(&point).mul(black_box(&scalar)))
    });
    c.bench_function("public_key_hash", |b| b.iter(|| black_box(&pk).hash()));
    let (x, y) = (encoding, point.to_affine().x);
    c.bench_function("gfp5_mul", |b| b.iter(|| black_box(x) * black_box(y)));
    c.bench_function("gfp5_square", |b| {
        b.iter(|| hyperforge_crypto::field::square(&black_box(x)))
    });
    c.bench_function("point_mdouble5", |b| {
        b.iter(|| black_box(&point).mdouble(5))
    });
    c.bench_function("point_double", |b| b.iter(|| black_box(&point).double()));
    c.bench_function("point_add", |b| {
        b.iter(|| black_box(point) + black_box(point))
    });
    c.bench_function("split_challenge", |b| {
        b.iter(|| split_challenge(black_box(&scalar)))
    });
}

criterion_group! {
    name = signatures;
    config = Criterion::default()
        .warm_up_time(std::time::Duration::from_millis(500))
        .measurement_time(std::time::Duration::from_secs(2));
    targets = benches
}
criterion_main!(signatures);
