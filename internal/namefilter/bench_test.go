package namefilter

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/sahilm/fuzzy"
)

// oldFilter is what the list did on every keystroke before this package
// (ui/list.go's refilter and runFilter): copy the names for the command, run
// fuzzy.Find over all of them, and keep every match's offsets in a map.
func oldFilter(pattern string, names []string) ([]int, map[int][]int) {
	names = slices.Clone(names)
	ms := fuzzy.Find(pattern, names)
	vis := make([]int, len(ms))
	mm := make(map[int][]int, len(ms))
	for i, m := range ms {
		vis[i] = m.Index
		mm[m.Index] = append([]int(nil), m.MatchedIndexes...)
	}
	return vis, mm
}

// typing is what a user types into the filter, one value per keystroke:
// a version, two backspaces, a suffix; a fresh query, deleted to nothing;
// another fresh query. The empty value (the filter cleared) is not a run.
var typing = func() []string {
	var steps []string
	typeIn := func(from, s string) string {
		for _, r := range s {
			from += string(r)
			steps = append(steps, from)
		}
		return from
	}
	cur := typeIn("", "1.2.3")
	cur = cur[:len(cur)-1]
	steps = append(steps, cur)
	cur = cur[:len(cur)-1]
	steps = append(steps, cur)
	typeIn(cur, "-alp")
	cur = typeIn("", "sig")
	for len(cur) > 1 {
		cur = cur[:len(cur)-1]
		steps = append(steps, cur)
	}
	typeIn("", "build")
	return steps
}()

// lists are the names the benchmarks filter: the ones BenchmarkFilter100k
// always used (every name holds "build", so that query narrows nothing), and
// a mix of real tag shapes.
func lists(n int) map[string][]string {
	builds := make([]string, n)
	for i := range builds {
		builds[i] = fmt.Sprintf("%d.%d.%d-build%d", i/10000, (i/100)%100, i%100, i)
	}
	return map[string][]string{"builds": builds, "tags": tags(rand.New(rand.NewPCG(1, 1)), n)}
}

// BenchmarkKeystrokes100k is the cost of a keystroke in the filter of a list
// of 100,000 names over the typing above, old way and new way in one binary.
// ms/key is the mean over the keystrokes; a fresh index each session, so the
// first keystroke pays for a full run (BenchmarkFirstKeystroke100k alone).
func BenchmarkKeystrokes100k(b *testing.B) { benchKeystrokes(b, 100000) }

// BenchmarkKeystrokes1M is the same on a million names.
func BenchmarkKeystrokes1M(b *testing.B) { benchKeystrokes(b, 1000000) }

func benchKeystrokes(b *testing.B, n int) {
	for _, kind := range []string{"builds", "tags"} {
		names := lists(n)[kind]
		b.Run(kind+"/fuzzy.Find", func(b *testing.B) {
			defer perKey(b, len(typing))()
			for b.Loop() {
				for _, p := range typing {
					oldFilter(p, names)
				}
			}
		})
		b.Run(kind+"/namefilter", func(b *testing.B) {
			defer perKey(b, len(typing))()
			for b.Loop() {
				x := New(names)
				for _, p := range typing {
					x.Find(p, nil)
				}
			}
		})
	}
}

// perKey reports wall and CPU time per keystroke (keys per iteration) when
// the returned function runs at the end of the benchmark.
func perKey(b *testing.B, keys int) func() {
	cpu0 := cpuTime()
	return func() {
		n := float64(b.N * keys)
		b.ReportMetric(float64(b.Elapsed().Microseconds())/1000/n, "ms/key")
		b.ReportMetric(float64((cpuTime()-cpu0).Microseconds())/1000/n, "cpu-ms/key")
	}
}

// BenchmarkFirstKeystroke100k is the worst keystroke: the first one on a
// fresh index, nothing to narrow from ("1" and "b" match almost every name;
// "1.2.3" is the query BenchmarkFilter100k always ran).
func BenchmarkFirstKeystroke100k(b *testing.B) {
	for kind, names := range lists(100000) {
		for _, p := range []string{"1", "b", "1.2.3"} {
			b.Run(fmt.Sprintf("%s/%s/fuzzy.Find", kind, p), func(b *testing.B) {
				defer perKey(b, 1)()
				for b.Loop() {
					oldFilter(p, names)
				}
			})
			b.Run(fmt.Sprintf("%s/%s/namefilter", kind, p), func(b *testing.B) {
				defer perKey(b, 1)()
				for b.Loop() {
					New(names).Find(p, nil)
				}
			})
		}
	}
}

// BenchmarkScore100k is why score copies fuzzy's loop: fuzzy.FindNoSort over
// 100,000 names against the same walk without the allocations, one core.
func BenchmarkScore100k(b *testing.B) {
	names := lists(100000)["builds"]
	for _, p := range []string{"b", "1.2.3"} {
		b.Run(p+"/fuzzy.FindNoSort", func(b *testing.B) {
			defer perKey(b, 1)()
			for b.Loop() {
				fuzzy.FindNoSort(p, names)
			}
		})
		b.Run(p+"/score", func(b *testing.B) {
			defer perKey(b, 1)()
			runes := []rune(p)
			for b.Loop() {
				for _, n := range names {
					score(runes, n)
				}
			}
		})
		b.Run(p+"/scoreASCII", func(b *testing.B) {
			defer perKey(b, 1)()
			folded := []byte(p)
			for b.Loop() {
				for _, n := range names {
					scoreASCII(folded, n)
				}
			}
		})
	}
}
