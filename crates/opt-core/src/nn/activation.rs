//! Pointwise activations and their derivatives.

use crate::error::Error;

/// A pointwise nonlinearity `σ`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Activation {
    /// `σ(z) = z`.
    Identity,
    /// `σ(z) = tanh z`.
    Tanh,
    /// `σ(z) = max(z, 0)` (derivative 0 at 0).
    Relu,
    /// `σ(z) = z · sigmoid(z)` (swish).
    Silu,
    /// GELU, tanh approximation: `σ(z) = ½ z (1 + tanh(√(2/π)(z + 0.044715 z³)))`.
    Gelu,
}

const GELU_C: f64 = 0.797_884_560_802_865_4; // sqrt(2/pi)

impl Activation {
    /// `σ(z)`.
    #[inline]
    pub fn apply(self, z: f64) -> f64 {
        match self {
            Activation::Identity => z,
            Activation::Tanh => z.tanh(),
            Activation::Relu => z.max(0.0),
            Activation::Silu => z / (1.0 + (-z).exp()),
            Activation::Gelu => 0.5 * z * (1.0 + (GELU_C * (z + 0.044715 * z * z * z)).tanh()),
        }
    }

    /// `σ'(z)`.
    #[inline]
    pub fn derivative(self, z: f64) -> f64 {
        match self {
            Activation::Identity => 1.0,
            Activation::Tanh => {
                let t = z.tanh();
                1.0 - t * t
            }
            Activation::Relu => {
                if z > 0.0 {
                    1.0
                } else {
                    0.0
                }
            }
            Activation::Silu => {
                let s = 1.0 / (1.0 + (-z).exp());
                s * (1.0 + z * (1.0 - s))
            }
            Activation::Gelu => {
                let u = GELU_C * (z + 0.044715 * z * z * z);
                let t = u.tanh();
                let du = GELU_C * (1.0 + 3.0 * 0.044715 * z * z);
                0.5 * (1.0 + t) + 0.5 * z * (1.0 - t * t) * du
            }
        }
    }

    /// `σ'(z)` given both `z` and `a = σ(z)`: uses `a` where that is cheaper
    /// (tanh: `1 − a²`, relu: `[a > 0]`), so backprop does not recompute transcendental functions.
    #[inline]
    pub fn derivative_from(self, z: f64, a: f64) -> f64 {
        match self {
            Activation::Identity => 1.0,
            Activation::Tanh => 1.0 - a * a,
            Activation::Relu => {
                if a > 0.0 {
                    1.0
                } else {
                    0.0
                }
            }
            Activation::Silu | Activation::Gelu => self.derivative(z),
        }
    }
}

impl std::str::FromStr for Activation {
    type Err = Error;
    fn from_str(s: &str) -> Result<Self, Error> {
        match s.to_ascii_lowercase().as_str() {
            "identity" | "linear" => Ok(Activation::Identity),
            "tanh" => Ok(Activation::Tanh),
            "relu" => Ok(Activation::Relu),
            "silu" | "swish" => Ok(Activation::Silu),
            "gelu" => Ok(Activation::Gelu),
            other => Err(Error::invalid(
                "activation",
                format!(
                    "unknown activation {other:?} (expected identity, tanh, relu, silu or gelu)"
                ),
            )),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn derivatives_match_finite_differences() {
        let h = 1e-6;
        for act in [
            Activation::Identity,
            Activation::Tanh,
            Activation::Relu,
            Activation::Silu,
            Activation::Gelu,
        ] {
            for z in [-2.3, -0.4, 0.37, 1.9] {
                let num = (act.apply(z + h) - act.apply(z - h)) / (2.0 * h);
                assert!((num - act.derivative(z)).abs() < 1e-8, "{act:?} at {z}");
                let via_output = act.derivative_from(z, act.apply(z));
                assert!(
                    (via_output - act.derivative(z)).abs() < 1e-14,
                    "{act:?} at {z}"
                );
            }
        }
        assert!("softplus".parse::<Activation>().is_err());
        assert_eq!("GELU".parse::<Activation>().unwrap(), Activation::Gelu);
    }
}
