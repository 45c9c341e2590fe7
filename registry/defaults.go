package registry

// Defaults of Options, for `manifold info`.
const (
	// DefaultConcurrency is the children a push or copy sends at a time
	// when Options.Concurrency is zero.
	DefaultConcurrency = 32
	// TreeConcurrencyStart and TreeConcurrencyMax are the adaptive limit
	// of a tree fetch's requests in flight per host when
	// Options.Concurrency is zero (hostLimiter).
	TreeConcurrencyStart = startConcurrency
	TreeConcurrencyMax   = maxConcurrency
	// DefaultPageSize is the n= of catalog pages, and of tag pages
	// when the registry's own answer is too large (see Client.Tags).
	DefaultPageSize = 1000
)

// EffectiveTimeouts is t with the defaults filled in.
func EffectiveTimeouts(t Timeouts) Timeouts { return t.withDefaults() }

// EffectiveLimits is l with the defaults filled in.
func EffectiveLimits(l Limits) Limits { return l.withDefaults() }
