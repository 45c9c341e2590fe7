package registry

// Defaults of Options, for `manifold info`.
const (
	DefaultConcurrency = 32
	// DefaultPageSize is the n= of catalog pages, and of tag pages
	// when the registry's own answer is too large (see Client.Tags).
	DefaultPageSize = 1000
)

// EffectiveTimeouts is t with the defaults filled in.
func EffectiveTimeouts(t Timeouts) Timeouts { return t.withDefaults() }

// EffectiveLimits is l with the defaults filled in.
func EffectiveLimits(l Limits) Limits { return l.withDefaults() }
