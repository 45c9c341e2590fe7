package model

import (
	"slices"
	"sort"
	"strconv"
	"strings"
)

// Tag order: the one version order of tags that the TUI's "s" and
// `manifold tags --sort version` share. Newest version first: 1.10 before
// 1.9, 2.0.0 before 2.0.0-rc.1 (a release before its pre-releases and
// suffixed variants, those by name), a leading v ignored; tags that are not
// versions (latest, main) after every version, by name.

// version is a tag read as a version: v1.2.3-rc.1 → [1 2 3], "-rc.1".
type version struct {
	nums [maxVersionParts]int // a fixed array: parsing allocates nothing
	n    int                  // how many of nums are set
	pre  string               // after the numbers: "-rc.1", "-alpine"
}

// maxVersionParts is how many dot-separated numbers a version keeps; the
// rest is compared as text.
const maxVersionParts = 8

func parseVersion(tag string) version {
	s := strings.TrimPrefix(strings.TrimPrefix(tag, "v"), "V")
	var v version
	for {
		i := 0
		for i < len(s) && s[i] >= '0' && s[i] <= '9' {
			i++
		}
		if i == 0 || i > 9 || v.n == maxVersionParts {
			break
		}
		n, _ := strconv.Atoi(s[:i])
		v.nums[v.n] = n
		v.n++
		s = s[i:]
		if len(s) > 1 && s[0] == '.' && s[1] >= '0' && s[1] <= '9' {
			s = s[1:]
			continue
		}
		break
	}
	v.pre = s
	return v
}

// VersionLess reports whether tag a comes before tag b in version order
// (newest first; see the comment above). It allocates nothing.
func VersionLess(a, b string) bool {
	return versionLess(parseVersion(a), parseVersion(b), a, b)
}

func versionLess(va, vb version, a, b string) bool {
	if (va.n > 0) != (vb.n > 0) {
		return va.n > 0
	}
	if va.n == 0 {
		return a < b
	}
	for i := 0; i < va.n || i < vb.n; i++ {
		x, y := -1, -1
		if i < va.n {
			x = va.nums[i]
		}
		if i < vb.n {
			y = vb.nums[i]
		}
		if x != y {
			return x > y
		}
	}
	// Same numbers: a release sorts before its pre-releases and variants.
	if (va.pre == "") != (vb.pre == "") {
		return va.pre == ""
	}
	if va.pre != vb.pre {
		return va.pre < vb.pre
	}
	return a < b
}

// NameLess is byte order (sort(1) with LC_ALL=C).
func NameLess(a, b string) bool { return a < b }

// TagOrder is an order of names: Less, and Key, a 64-bit prefix of it —
// Key(a) < Key(b) means Less(a, b), and only equal keys need Less. Sorting
// compares keys computed once per name instead of parsing two versions per
// comparison.
type TagOrder struct {
	Name string // "name" or "version", as the TUI and the CLI label it
	Less func(a, b string) bool
	Key  func(s string) uint64
}

// ByName and ByVersion are the two tag orders.
var (
	ByName    = TagOrder{Name: "name", Less: NameLess, Key: nameKey}
	ByVersion = TagOrder{Name: "version", Less: VersionLess, Key: versionKey}
)

// nameKey is the first eight bytes, big-endian.
func nameKey(s string) uint64 {
	var k uint64
	for i := 0; i < 8; i++ {
		k <<= 8
		if i < len(s) {
			k |= uint64(s[i])
		}
	}
	return k
}

// versionKey packs the version order's first decisions: the top bit is set
// for tags that are not versions (they sort after), followed by their first
// seven bytes; versions keep their first four numbers, 15 bits each, stored
// as 0x7ffe - n so that higher versions get lower keys, and 0x7fff for a
// missing number (1.2 after 1.2.0). A number too large for 15 bits
// saturates to 0 and zeroes the parts after it, leaving the decision to
// Less.
func versionKey(tag string) uint64 {
	v := parseVersion(tag)
	if v.n == 0 {
		return 1<<63 | nameKey(tag)>>8
	}
	var k uint64
	saturated := false
	for i := 0; i < 4; i++ {
		part := uint64(0x7fff)
		switch {
		case saturated:
			part = 0
		case i < v.n && v.nums[i] >= 0x7ffe:
			part, saturated = 0, true
		case i < v.n:
			part = 0x7ffe - uint64(v.nums[i])
		}
		k = k<<15 | part
	}
	return k << 3
}

// SortedNames keeps names in a TagOrder as pages of them arrive: each page
// is sorted on its own, then merged into the names so far from the back,
// in place, each new name's place found by binary search and the names
// after it moved with one copy. A page of m names into n costs m·log n
// comparisons and one pass of copying, with no allocation beyond growth.
//
// Snapshot hands the names out to readers on other goroutines (a filter run
// in a command) without a copy: from then on the array it returned is never
// written again. The next Add or SetOrder (after a Reset too) writes the
// names into a new array instead (copy on write: the merge's one pass of
// copying goes to the new array), and the ones after it work in place
// again. A list nobody took a snapshot of never pays for one.
type SortedNames struct {
	order TagOrder
	names []string
	keys  []uint64 // never handed out: always changed in place
	// shared is true when names' array was handed out by Snapshot.
	shared bool
	// scratch for the page being merged
	page []keyed
}

type keyed struct {
	name string
	key  uint64
}

// NewSortedNames returns an empty list in order o.
func NewSortedNames(o TagOrder) *SortedNames { return &SortedNames{order: o} }

// Order is the list's order.
func (s *SortedNames) Order() TagOrder { return s.order }

// Names returns the names in order. The slice is the list's own: it is
// valid until the next Add, SetOrder or Reset, and must not be changed.
func (s *SortedNames) Names() []string { return s.names }

// Snapshot returns the names in order, as Names does, but the slice stays
// valid for good: the list never writes into it again (Add and SetOrder
// move to a new array first). It costs nothing; the first change
// after it costs one new array. It must not be changed either, and may be
// read on any goroutine.
func (s *SortedNames) Snapshot() []string {
	s.shared = true
	return slices.Clip(s.names)
}

// Len is the number of names.
func (s *SortedNames) Len() int { return len(s.names) }

// Reset drops every name.
func (s *SortedNames) Reset() { s.names, s.keys = s.names[:0], s.keys[:0] }

func (s *SortedNames) before(a, b keyed) bool {
	if a.key != b.key {
		return a.key < b.key
	}
	return s.order.Less(a.name, b.name)
}

func (s *SortedNames) compare(a, b keyed) int {
	switch {
	case s.before(a, b):
		return -1
	case s.before(b, a):
		return 1
	}
	return 0
}

// Add merges names (not yet in the list) into it.
func (s *SortedNames) Add(names []string) {
	if len(names) == 0 {
		return
	}
	page := s.page[:0]
	for _, n := range names {
		page = append(page, keyed{n, s.order.Key(n)})
	}
	slices.SortFunc(page, s.compare) // equal keys and names are equal strings: no need for stability
	s.page = page[:0]
	n, m := len(s.names), len(page)
	// The merge reads the old names from src and writes them to dst: the
	// same array (moved within it), unless it is shared.
	var src, dst []string
	cow := s.shared
	if cow {
		src, dst, s.shared = s.names, make([]string, n+m), false
	} else {
		dst = append(s.names, make([]string, m)...)
		src = dst[:n]
	}
	s.keys = append(s.keys, make([]uint64, m)...)
	hi := n // src[:hi] holds the old names not yet placed
	for j := m - 1; j >= 0; j-- {
		p := page[j]
		// The first old name that p comes before (ties: old names first).
		at := sort.Search(hi, func(i int) bool { return s.before(p, keyed{src[i], s.keys[i]}) })
		copy(dst[at+j+1:hi+j+1], src[at:hi])
		copy(s.keys[at+j+1:hi+j+1], s.keys[at:hi])
		dst[at+j], s.keys[at+j] = p.name, p.key
		hi = at
	}
	if cow {
		copy(dst[:hi], src[:hi]) // the old names before every new one
	}
	s.names = dst
	clear(page[:m]) // drop the page's strings
}

// Find returns the index of name in the list, or -1 (binary search).
func (s *SortedNames) Find(name string) int {
	k := keyed{name, s.order.Key(name)}
	i := sort.Search(len(s.names), func(i int) bool { return !s.before(keyed{s.names[i], s.keys[i]}, k) })
	if i < len(s.names) && s.names[i] == name {
		return i
	}
	return -1
}

// SetOrder re-sorts the list in o: keys are computed once per name.
func (s *SortedNames) SetOrder(o TagOrder) {
	s.order = o
	all := make([]keyed, len(s.names))
	for i, n := range s.names {
		all[i] = keyed{n, o.Key(n)}
	}
	slices.SortFunc(all, s.compare)
	if s.shared {
		s.names, s.shared = make([]string, len(all)), false
	}
	for i, k := range all {
		s.names[i], s.keys[i] = k.name, k.key
	}
}
