// Package namefilter filters a fixed list of names by a fuzzy pattern, as
// fast as a keystroke needs on a list of 100,000 names and more.
//
// The result is exactly github.com/sahilm/fuzzy's fuzzy.Find: the names it
// matches, best score first, ties in list order. fuzzy itself gives the
// matched offsets of the rows on screen (Positions), and it is the reference
// the tests compare every result with. What this package adds:
//
//   - Narrowing. fuzzy matches a name when the pattern's runes appear in it
//     in order (case folded), so every name that matches "abc" also matches
//     "ab", "ac" or "bc". A pattern that contains a pattern already run (as a
//     subsequence: typing one more character, or one in the middle) is only
//     tried on that pattern's matches. Recent results are kept (bounded), so
//     a backspace goes back to one without matching anything.
//   - fuzzy's scoring walk without its allocations (score.go: one slice of
//     offsets per match costs more than the walk), with a byte loop for
//     ASCII, after a cheap first look that passes over an ASCII name not
//     holding the pattern's characters in order.
//   - The names split across GOMAXPROCS goroutines, and the matches ordered
//     by score with a stable counting sort (scores are small integers), not
//     a comparison sort of fuzzy.Match values; scratch reused between runs.
//
// A run can be abandoned half way (the caller's stale function says so, as
// when the user typed again), so a slow run on a very long list never holds up
// the run the user is waiting for.
package namefilter

import (
	"runtime"
	"slices"
	"sync"
	"unicode/utf8"

	"github.com/sahilm/fuzzy"
)

const (
	// block is how many names a worker tries between two looks at stale.
	block = 4096
	// perWorker is the least number of names worth a goroutine of its own.
	perWorker = 8192
	// keepResults is how many recent results are kept for narrowing and
	// backspace; keepEntries bounds their total size, in names per name
	// of the list.
	keepResults = 12
	keepEntries = 4
)

// Index is an immutable list of names (the caller's own slice: see New) and
// the results of the patterns run on it recently. Its methods are safe for
// concurrent use; runs are serialised.
type Index struct {
	names []string

	mu   sync.Mutex
	kept []result // oldest first
	// scratch, reused by every run: each worker's matches and scores,
	// and all the scores in list order
	parts  []part
	scores []int
}

type part struct {
	in     []int32
	scores []int
	ok     bool
}

type result struct {
	pattern []rune
	in      []int32 // the matches' indexes, ascending (list order)
	order   []int32 // the same, in fuzzy.Find's order
}

// New returns an index of names, without a copy: New is called on the UI
// goroutine each time the names change, and a copy of 100,000 names there
// cost a keystroke milliseconds. The contract: names must never change
// afterwards, while the index or a result of it is in use, by anyone (the
// index reads them on other goroutines). A list that changes gives a
// snapshot (model.SortedNames.Snapshot: copy on write), or a copy.
func New(names []string) *Index {
	return &Index{names: names}
}

// Len is the number of names.
func (x *Index) Len() int { return len(x.names) }

// Name returns the i'th name.
func (x *Index) Name(i int) string { return x.names[i] }

// Find returns the indexes of the names that pattern matches, in fuzzy.Find's
// order: best score first, ties in list order. An empty pattern matches
// nothing (as in fuzzy.Find). The slice may be shared with later calls and
// must not be changed.
//
// stale (nil: never) is asked between blocks of names; when it says true the
// run stops and Find returns ok == false.
func (x *Index) Find(pattern string, stale func() bool) (order []int32, ok bool) {
	if pattern == "" {
		return nil, true
	}
	runes := []rune(pattern)
	x.mu.Lock()
	defer x.mu.Unlock()
	var from []int32 // nil: every name
	narrowed := false
	for i := len(x.kept) - 1; i >= 0; i-- {
		k := x.kept[i]
		if slices.Equal(k.pattern, runes) {
			// Move it to the end: it is the most recent again.
			x.kept = append(slices.Delete(x.kept, i, i+1), k)
			return k.order, true
		}
		if (!narrowed || len(k.in) < len(from)) && isSubsequence(k.pattern, runes) {
			from, narrowed = k.in, true
		}
	}
	if narrowed && len(from) == 0 {
		x.keep(result{pattern: runes, in: []int32{}, order: []int32{}})
		return []int32{}, true
	}
	in, scores, ok := x.match(pattern, runes, from, narrowed, stale)
	if !ok {
		return nil, false
	}
	order = orderByScore(in, scores)
	x.keep(result{pattern: runes, in: in, order: order})
	return order, true
}

// keep adds r to the kept results, dropping the oldest beyond the bounds.
func (x *Index) keep(r result) {
	x.kept = append(x.kept, r)
	total := 0
	for _, k := range x.kept {
		total += len(k.in)
	}
	for len(x.kept) > 1 && (len(x.kept) > keepResults || total > keepEntries*len(x.names)) {
		total -= len(x.kept[0].in)
		x.kept[0] = result{}
		x.kept = x.kept[1:]
	}
}

// match runs fuzzy over the names (only those in from when narrowed), split
// across goroutines. It returns the matches' indexes in list order and their
// scores.
func (x *Index) match(pattern string, runes []rune, from []int32, narrowed bool, stale func() bool) ([]int32, []int, bool) {
	n := len(x.names)
	if narrowed {
		n = len(from)
	}
	workers := min(runtime.GOMAXPROCS(0), max(n/perWorker, 1))
	for len(x.parts) < workers {
		x.parts = append(x.parts, part{})
	}
	parts := x.parts[:workers]
	for w := range parts {
		parts[w] = part{in: parts[w].in[:0], scores: parts[w].scores[:0]}
	}
	var folded []byte // the pattern, lowered, when it is ASCII
	if isASCII(pattern) {
		folded = []byte(pattern)
		for i, c := range folded {
			folded[i] = lower(c)
		}
	}
	run := func(w int) {
		lo, hi := n*w/workers, n*(w+1)/workers
		p := &parts[w]
		if cap(p.in) < hi-lo {
			// Room for every name tried: no growing on the way.
			p.in, p.scores = make([]int32, 0, hi-lo), make([]int, 0, hi-lo)
		}
		for b := lo; b < hi; b += block {
			if stale != nil && stale() {
				return
			}
			for j := b; j < min(b+block, hi); j++ {
				i := int32(j)
				if narrowed {
					i = from[j]
				}
				name := x.names[i]
				var s int
				var ok bool
				if folded != nil {
					if !mayMatch(folded, name) {
						continue
					}
					var ascii bool
					if s, ok, ascii = scoreASCII(folded, name); !ascii {
						s, ok = score(runes, name)
					}
				} else {
					s, ok = score(runes, name)
				}
				if ok {
					p.in = append(p.in, i)
					p.scores = append(p.scores, s)
				}
			}
		}
		p.ok = true
	}
	if workers == 1 {
		run(0)
	} else {
		var wg sync.WaitGroup
		for w := range workers {
			wg.Go(func() { run(w) })
		}
		wg.Wait()
	}
	total := 0
	for _, p := range parts {
		if !p.ok {
			return nil, nil, false
		}
		total += len(p.in)
	}
	// The matches in one slice of their own (kept for narrowing); the
	// scores only until they are ordered.
	in, scores := make([]int32, 0, total), x.scores[:0]
	for _, p := range parts {
		in, scores = append(in, p.in...), append(scores, p.scores...)
	}
	x.scores = scores
	return in, scores, true
}

// orderByScore returns in ordered by score, highest first, keeping list order
// among equal scores: what sort.Stable does in fuzzy.Find. Scores span a
// small range for real patterns, so a counting sort does it in linear time;
// a wide range falls back to a stable sort.
func orderByScore(in []int32, scores []int) []int32 {
	order := make([]int32, len(in))
	if len(in) == 0 {
		return order
	}
	lo, hi := scores[0], scores[0]
	for _, s := range scores {
		lo, hi = min(lo, s), max(hi, s)
	}
	// hi-lo cannot overflow in practice, but a negative span is a wide one.
	if span := hi - lo; span >= 0 && span < 1<<16 && span <= 4*len(in)+1024 {
		count := make([]int, span+2)
		for _, s := range scores {
			count[hi-s+1]++
		}
		for i := 1; i < len(count); i++ {
			count[i] += count[i-1]
		}
		for j, s := range scores {
			at := &count[hi-s]
			order[*at] = in[j]
			*at++
		}
		return order
	}
	pos := make([]int32, len(in))
	for j := range pos {
		pos[j] = int32(j)
	}
	slices.SortStableFunc(pos, func(a, b int32) int {
		sa, sb := scores[a], scores[b]
		switch {
		case sa > sb:
			return -1
		case sa < sb:
			return 1
		}
		return 0
	})
	for j, p := range pos {
		order[j] = in[p]
	}
	return order
}

// Positions returns the byte offsets of name that pattern matches, as
// fuzzy.Find reports them (for highlighting), or nil.
func Positions(pattern, name string) []int {
	ms := fuzzy.Find(pattern, []string{name})
	if len(ms) == 0 {
		return nil
	}
	return ms[0].MatchedIndexes
}

// isSubsequence reports whether sub's runes appear in s in order.
func isSubsequence(sub, s []rune) bool {
	i := 0
	for _, r := range s {
		if i < len(sub) && sub[i] == r {
			i++
		}
	}
	return i == len(sub)
}

func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= utf8.RuneSelf {
			return false
		}
	}
	return true
}

// mayMatch is false when the ASCII pattern's (folded: lowered) characters do not appear in name
// in order, ignoring ASCII case: then fuzzy cannot match it either. A name
// with a non-ASCII byte before the answer is known may match (a Kelvin sign
// folds to k), and is left to fuzzy.
func mayMatch(folded []byte, name string) bool {
	p := 0
	for i := 0; i < len(name); i++ {
		c := name[i]
		if c >= utf8.RuneSelf {
			return true
		}
		if lower(c) == folded[p] {
			p++
			if p == len(folded) {
				return true
			}
		}
	}
	return false
}

func lower(c byte) byte {
	if 'A' <= c && c <= 'Z' {
		return c + 'a' - 'A'
	}
	return c
}
