package registry

// Limits bound what manifold takes from a registry: bytes, pages and
// requests. Registries are hostile until proven otherwise, so every answer
// has a ceiling. Zero fields take the defaults noted; Options.Limits holds
// them (the config file and flags fill it in).
type Limits struct {
	// ListPageBytes caps one tags/list or _catalog page, counted after any
	// Content-Encoding is inflated; 16 MiB. 1,000 names of the longest a
	// tag may be (128 bytes) take 140 KB.
	ListPageBytes int64
	// ListPages caps the pages one listing follows; 10,000. A registry
	// whose Link never ends is stopped there, or sooner when a next URL
	// repeats or its last= does not advance.
	ListPages int
}

// Defaults of Limits.
const (
	DefaultListPageBytes = 16 << 20
	DefaultListPages     = 10_000
)

func (l Limits) withDefaults() Limits {
	if l.ListPageBytes <= 0 {
		l.ListPageBytes = DefaultListPageBytes
	}
	if l.ListPages <= 0 {
		l.ListPages = DefaultListPages
	}
	return l
}
