package registry

import "github.com/manifold-dev/manifold/model"

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
	// ManifestBytes caps a top-level manifest (and a config fetched on its
	// own, Blob); 4 MiB, the spec's floor and distribution's PUT limit
	// (model.MaxManifestSize).
	ManifestBytes int64
	// ChildBytes caps each child manifest and config fetched for a tree;
	// 1 MiB. Real ones are a few KB; a child of 1 MiB names thousands of
	// layers.
	ChildBytes int64
	// Children caps the child manifests fetched eagerly per index; 256.
	// The rest are listed from the index without their manifests (the CLI
	// says how many and the TUI fetches one when it is opened); see
	// TreeOptions.MaxChildren.
	Children int
	// TreeBytes caps the bytes of child manifests, configs and artifacts
	// one tree keeps; 64 MiB. Content past it is not fetched, and its
	// entries say so.
	TreeBytes int64
}

// Defaults of Limits.
const (
	DefaultListPageBytes = 16 << 20
	DefaultListPages     = 10_000
	DefaultManifestBytes = model.MaxManifestSize
	DefaultChildBytes    = 1 << 20
	DefaultChildren      = 256
	DefaultTreeBytes     = 64 << 20
)

func (l Limits) withDefaults() Limits {
	if l.ListPageBytes <= 0 {
		l.ListPageBytes = DefaultListPageBytes
	}
	if l.ListPages <= 0 {
		l.ListPages = DefaultListPages
	}
	if l.ManifestBytes <= 0 {
		l.ManifestBytes = DefaultManifestBytes
	}
	if l.ChildBytes <= 0 {
		l.ChildBytes = DefaultChildBytes
	}
	if l.Children <= 0 {
		l.Children = DefaultChildren
	}
	if l.TreeBytes <= 0 {
		l.TreeBytes = DefaultTreeBytes
	}
	return l
}
