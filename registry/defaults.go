package registry

// Defaults of Options, for `manifold info`.
const (
	DefaultConcurrency = 32
	DefaultPageSize    = 1000
)

// EffectiveTimeouts is t with the defaults filled in.
func EffectiveTimeouts(t Timeouts) Timeouts { return t.withDefaults() }

// EffectiveLimits is l with the defaults filled in.
func EffectiveLimits(l Limits) Limits { return l.withDefaults() }
