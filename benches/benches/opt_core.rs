//! Criterion benches of opt-core's hot paths.
//!
//! - `mlp_fwd_bwd/width`: one forward + backward pass of a tanh MLP `w → w → w → w` (three dense
//!   layers) on a batch of 256 samples, parameter and input gradients included.
//! - `softmax/100000`: stable in-place softmax over 10^5 logits.

use criterion::{BenchmarkId, Criterion, Throughput, criterion_group, criterion_main};
use nalgebra::{DMatrix, DVector};
use opt_core::nn::{Activation, Init, Mlp, MlpWorkspace};
use opt_core::rng::{fill_standard_normal, stream};
use std::hint::black_box;

fn mlp_forward_backward(c: &mut Criterion) {
    let mut group = c.benchmark_group("mlp_fwd_bwd");
    let batch = 256;
    for width in [64usize, 256] {
        let mut rng = stream(0, "bench/mlp", width as u64);
        let net = Mlp::new(
            &[width; 4],
            Activation::Tanh,
            Activation::Identity,
            Init::XavierNormal,
            &mut rng,
        )
        .expect("valid sizes");
        let mut x = DMatrix::zeros(width, batch);
        fill_standard_normal(&mut rng, x.as_mut_slice());
        let mut gout = DMatrix::zeros(width, batch);
        fill_standard_normal(&mut rng, gout.as_mut_slice());
        let mut ws = MlpWorkspace::default();
        let mut gp = DVector::zeros(net.num_params());
        let mut gx = DMatrix::zeros(width, batch);
        group.throughput(Throughput::Elements(batch as u64));
        group.bench_with_input(BenchmarkId::from_parameter(width), &width, |b, _| {
            b.iter(|| {
                net.forward(black_box(&x), &mut ws).expect("forward");
                net.backward(&mut ws, &gout, &mut gp, Some(&mut gx))
                    .expect("backward");
                black_box(gp[0])
            })
        });
    }
    group.finish();
}

fn softmax(c: &mut Criterion) {
    let mut rng = stream(0, "bench/softmax", 0);
    let mut z = vec![0.0; 100_000];
    fill_standard_normal(&mut rng, &mut z);
    z.iter_mut().for_each(|v| *v *= 1e3);
    let mut out = vec![0.0; z.len()];
    let mut group = c.benchmark_group("softmax");
    group.throughput(Throughput::Elements(z.len() as u64));
    group.bench_function("100000", |b| {
        b.iter(|| black_box(opt_core::mirror::softmax_into(black_box(&z), &mut out)))
    });
    group.finish();
}

criterion_group!(benches, mlp_forward_backward, softmax);
criterion_main!(benches);
