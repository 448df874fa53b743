//! GF(p^5) formulas written once for the three places a gate evaluates them: natively on
//! base-field values (witness generation, base evaluation), on extension-field values
//! (`eval_unfiltered`) and as recursive-circuit targets (`eval_unfiltered_circuit`).
//! A gate whose constraints are written this way implements [`AlgGate`], and
//! `alg_gate_evals!` writes its three evaluation methods.

use plonky2::field::extension::Extendable;
use plonky2::field::types::Field;
use plonky2::hash::hash_types::RichField;
use plonky2::iop::ext_target::ExtensionTarget;
use plonky2::plonk::circuit_builder::CircuitBuilder;

use hyperforge_crypto::field::EXTENSION_W;

/// Ring operations over some representation of field values.
pub(crate) trait Alg {
    /// A value.
    type E: Copy;
    fn add(&mut self, a: Self::E, b: Self::E) -> Self::E;
    fn sub(&mut self, a: Self::E, b: Self::E) -> Self::E;
    fn mul(&mut self, a: Self::E, b: Self::E) -> Self::E;
    /// `k a` for a small constant `k`.
    fn scale(&mut self, k: u64, a: Self::E) -> Self::E;
    /// `a - k` for a small constant `k`.
    fn sub_const(&mut self, a: Self::E, k: u64) -> Self::E;
    /// `1 - a`.
    fn one_minus(&mut self, a: Self::E) -> Self::E;
}

/// Values of a field (base or extension), computed directly.
pub(crate) struct DirectAlg<T>(core::marker::PhantomData<T>);

impl<T> DirectAlg<T> {
    pub(crate) fn new() -> Self {
        Self(core::marker::PhantomData)
    }
}

impl<T: Field> Alg for DirectAlg<T> {
    type E = T;
    fn add(&mut self, a: T, b: T) -> T {
        a + b
    }
    fn sub(&mut self, a: T, b: T) -> T {
        a - b
    }
    fn mul(&mut self, a: T, b: T) -> T {
        a * b
    }
    fn scale(&mut self, k: u64, a: T) -> T {
        T::from_canonical_u64(k) * a
    }
    fn sub_const(&mut self, a: T, k: u64) -> T {
        a - T::from_canonical_u64(k)
    }
    fn one_minus(&mut self, a: T) -> T {
        T::ONE - a
    }
}

/// Extension targets of a recursive circuit.
pub(crate) struct CircuitAlg<'a, F: RichField + Extendable<D>, const D: usize>(
    pub(crate) &'a mut CircuitBuilder<F, D>,
);

impl<F: RichField + Extendable<D>, const D: usize> Alg for CircuitAlg<'_, F, D> {
    type E = ExtensionTarget<D>;
    fn add(&mut self, a: Self::E, b: Self::E) -> Self::E {
        self.0.add_extension(a, b)
    }
    fn sub(&mut self, a: Self::E, b: Self::E) -> Self::E {
        self.0.sub_extension(a, b)
    }
    fn mul(&mut self, a: Self::E, b: Self::E) -> Self::E {
        self.0.mul_extension(a, b)
    }
    fn scale(&mut self, k: u64, a: Self::E) -> Self::E {
        self.0.mul_const_extension(F::from_canonical_u64(k), a)
    }
    fn sub_const(&mut self, a: Self::E, k: u64) -> Self::E {
        let k = self
            .0
            .constant_extension(F::Extension::from_canonical_u64(k));
        self.0.sub_extension(a, k)
    }
    fn one_minus(&mut self, a: Self::E) -> Self::E {
        let one = self.0.one_extension();
        self.0.sub_extension(one, a)
    }
}

/// A GF(p^5) value: five coefficients.
pub(crate) type E5<A> = [<A as Alg>::E; 5];

pub(crate) fn add5<A: Alg>(alg: &mut A, a: &E5<A>, b: &E5<A>) -> E5<A> {
    core::array::from_fn(|i| alg.add(a[i], b[i]))
}

pub(crate) fn sub5<A: Alg>(alg: &mut A, a: &E5<A>, b: &E5<A>) -> E5<A> {
    core::array::from_fn(|i| alg.sub(a[i], b[i]))
}

/// `k a` for a base constant `k`.
pub(crate) fn scale5<A: Alg>(alg: &mut A, k: u64, a: &E5<A>) -> E5<A> {
    core::array::from_fn(|i| alg.scale(k, a[i]))
}

/// `k z a`: multiplication by `k z` shifts coefficients, `z^5 = W`.
pub(crate) fn scale_z5<A: Alg>(alg: &mut A, k: u64, a: &E5<A>) -> E5<A> {
    core::array::from_fn(|i| {
        if i == 0 {
            alg.scale(k * EXTENSION_W, a[4])
        } else {
            alg.scale(k, a[i - 1])
        }
    })
}

pub(crate) fn mul5<A: Alg>(alg: &mut A, a: &E5<A>, b: &E5<A>) -> E5<A> {
    core::array::from_fn(|k| {
        let mut low = alg.mul(a[0], b[k]);
        for i in 1..=k {
            let p = alg.mul(a[i], b[k - i]);
            low = alg.add(low, p);
        }
        if k < 4 {
            let mut high = alg.mul(a[k + 1], b[4]);
            for i in (k + 2)..5 {
                let p = alg.mul(a[i], b[k + 5 - i]);
                high = alg.add(high, p);
            }
            let high = alg.scale(EXTENSION_W, high);
            alg.add(low, high)
        } else {
            low
        }
    })
}

/// A gate whose constraints are written once over any [`Alg`]; [`alg_gate_evals!`] turns
/// them into the three evaluation methods of plonky2's `Gate`.
pub(crate) trait AlgGate {
    /// The constraints given the row's local wires.
    fn constraints<A: Alg>(&self, alg: &mut A, wires: &[A::E]) -> Vec<A::E>;
}

/// Inside `impl<F: RichField + Extendable<D>, const D: usize> Gate<F, D> for T` with
/// `T: AlgGate`: `eval_unfiltered`, `eval_unfiltered_base_one` and
/// `eval_unfiltered_circuit`, each evaluating [`AlgGate::constraints`] on its own values.
macro_rules! alg_gate_evals {
    () => {
        fn eval_unfiltered(
            &self,
            vars: ::plonky2::plonk::vars::EvaluationVars<'_, F, D>,
        ) -> Vec<F::Extension> {
            $crate::gates::alg::AlgGate::constraints(
                self,
                &mut $crate::gates::alg::DirectAlg::<F::Extension>::new(),
                vars.local_wires,
            )
        }

        fn eval_unfiltered_base_one(
            &self,
            vars: ::plonky2::plonk::vars::EvaluationVarsBase<'_, F>,
            mut yield_constr: ::plonky2::gates::util::StridedConstraintConsumer<'_, F>,
        ) {
            let wires: Vec<F> = (0..<Self as Gate<F, D>>::num_wires(self))
                .map(|i| vars.local_wires[i])
                .collect();
            yield_constr.many($crate::gates::alg::AlgGate::constraints(
                self,
                &mut $crate::gates::alg::DirectAlg::<F>::new(),
                &wires,
            ));
        }

        fn eval_unfiltered_circuit(
            &self,
            builder: &mut ::plonky2::plonk::circuit_builder::CircuitBuilder<F, D>,
            vars: ::plonky2::plonk::vars::EvaluationTargets<'_, D>,
        ) -> Vec<::plonky2::iop::ext_target::ExtensionTarget<D>> {
            $crate::gates::alg::AlgGate::constraints(
                self,
                &mut $crate::gates::alg::CircuitAlg(builder),
                vars.local_wires,
            )
        }
    };
}

pub(crate) use alg_gate_evals;
