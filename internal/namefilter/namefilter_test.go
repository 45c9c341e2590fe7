package namefilter

import (
	"fmt"
	"math/rand/v2"
	"runtime"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/sahilm/fuzzy"
)

// reference is what the list showed before this package: fuzzy.Find over
// every name, in fuzzy's order (sort.Stable by score).
func reference(pattern string, names []string) []int32 {
	ms := fuzzy.Find(pattern, names)
	out := make([]int32, len(ms))
	for i, m := range ms {
		out[i] = int32(m.Index)
	}
	return out
}

// tags returns n names of the kinds registries hold: versions with
// suffixes, commit and date tags, signatures and attestations, words, and a
// share of non-ASCII and mixed-case names (the Kelvin sign and the long s
// fold to ASCII k and s).
func tags(r *rand.Rand, n int) []string {
	words := []string{"alpine", "bookworm", "slim", "Debian", "UBI", "nightly", "rc", "beta", "main", "release", "linux", "arm64", "amd64", "windows", "servercore", "ltsc2022", "build", "Fix", "feature", "ßtraße", "café", "Ölwanne", "日本語", "emoji🙂", "\u212Aelvin", "ſpecial", "İstanbul"}
	hex := "0123456789abcdef"
	seen := map[string]bool{}
	out := make([]string, 0, n)
	for len(out) < n {
		var s string
		switch r.IntN(8) {
		case 0, 1:
			s = fmt.Sprintf("%d.%d.%d", r.IntN(20), r.IntN(30), r.IntN(100))
			if r.IntN(2) == 0 {
				s = "v" + s
			}
			if r.IntN(2) == 0 {
				s += "-" + words[r.IntN(len(words))]
			}
		case 2:
			b := make([]byte, 7+r.IntN(33))
			for i := range b {
				b[i] = hex[r.IntN(16)]
			}
			s = "sha256-" + string(b) + []string{".sig", ".att", ".sbom"}[r.IntN(3)]
		case 3:
			s = fmt.Sprintf("%d%02d%02d-%s", 2020+r.IntN(6), 1+r.IntN(12), 1+r.IntN(28), words[r.IntN(len(words))])
		case 4:
			s = words[r.IntN(len(words))] + "-" + words[r.IntN(len(words))]
		case 5:
			s = fmt.Sprintf("pr-%d", r.IntN(5000))
		case 6:
			s = strings.ToUpper(words[r.IntN(len(words))]) + fmt.Sprint(r.IntN(100))
		default:
			s = fmt.Sprintf("team-%02d/service-%04d", r.IntN(50), r.IntN(10000))
		}
		if !seen[s] {
			seen[s] = true
			out = append(out, s)
		}
	}
	return out
}

// session is a user typing: each step is the filter field's value.
func session(r *rand.Rand, names []string) []string {
	alphabet := []rune("abcdeilmnorstuvABEKLS0123456789.-/_ ßéÖ日🙂\u212Aſ")
	var steps []string
	for range 6 {
		// A query: part of a real name (so it matches), typed one rune
		// at a time, or random runes (mostly no match).
		var target []rune
		if r.IntN(3) > 0 {
			for _, c := range names[r.IntN(len(names))] {
				if r.IntN(3) > 0 {
					target = append(target, c)
				}
			}
			if r.IntN(4) == 0 {
				target = []rune(strings.ToUpper(string(target)))
			}
		} else {
			for range 1 + r.IntN(6) {
				target = append(target, alphabet[r.IntN(len(alphabet))])
			}
		}
		var cur []rune
		for _, c := range target {
			cur = append(cur, c)
			steps = append(steps, string(cur))
			switch r.IntN(6) {
			case 0: // backspace, sometimes twice
				for range 1 + r.IntN(2) {
					if len(cur) > 0 {
						cur = cur[:len(cur)-1]
						steps = append(steps, string(cur))
					}
				}
			case 1: // a character typed in the middle
				if len(cur) > 1 {
					at := r.IntN(len(cur))
					cur = slices.Insert(cur, at, alphabet[r.IntN(len(alphabet))])
					steps = append(steps, string(cur))
				}
			}
		}
		// Backspace over everything, then a fresh query.
		for len(cur) > 0 {
			cur = cur[:len(cur)-1]
			steps = append(steps, string(cur))
		}
	}
	return steps
}

func checkSame(t *testing.T, x *Index, names []string, pattern string) {
	t.Helper()
	got, ok := x.Find(pattern, nil)
	if !ok {
		t.Fatalf("%q: not finished without a stale function", pattern)
	}
	want := reference(pattern, names)
	if !slices.Equal(got, want) {
		i := 0
		for i < min(len(got), len(want)) && got[i] == want[i] {
			i++
		}
		t.Fatalf("%q: %d matches, fuzzy.Find %d; first difference at %d (got %v, want %v)", pattern, len(got), len(want), i, around(got, i), around(want, i))
	}
}

func around(s []int32, i int) []int32 { return s[i:min(i+3, len(s))] }

// TestFindIsFuzzyFind types, deletes and retypes queries on varied lists and
// compares every step with a plain fuzzy.Find over the whole list: the same
// matches in the same order, whatever was kept from earlier steps.
func TestFindIsFuzzyFind(t *testing.T) {
	for _, n := range []int{0, 1, 50, 3000, 40000} {
		t.Run(fmt.Sprint(n), func(t *testing.T) {
			r := rand.New(rand.NewPCG(uint64(n), 7))
			names := tags(r, n)
			if n == 0 {
				names = nil
			}
			x := New(names)
			pool := names
			if len(pool) == 0 {
				pool = []string{"abc"}
			}
			steps := session(r, pool)
			if n == 40000 {
				steps = steps[:min(len(steps), 120)]
			}
			for _, p := range steps {
				checkSame(t, x, names, p)
			}
		})
	}
}

// TestFindSplitAcrossWorkers runs the same with more goroutines than the
// machine may have, so the parts are joined in list order.
func TestFindSplitAcrossWorkers(t *testing.T) {
	defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(5))
	r := rand.New(rand.NewPCG(3, 3))
	names := tags(r, 5*perWorker+17)
	x := New(names)
	for _, p := range []string{"a", "al", "alp", "1", "1.", "1.2", "1", "sha", "sha.sig", "S", "\u212A", "k", "e", "é"} {
		checkSame(t, x, names, p)
	}
}

// TestTiesKeepListOrder: names with equal scores stay in list order, and a
// higher score comes first, across many names (the counting sort) and with
// a span of scores too wide for it (the stable sort).
func TestTiesKeepListOrder(t *testing.T) {
	var names []string
	for i := range 5000 {
		names = append(names, fmt.Sprintf("x%04d-abc", i), fmt.Sprintf("abc-%04d", i))
	}
	x := New(names)
	got, _ := x.Find("abc", nil)
	if len(got) != len(names) {
		t.Fatalf("%d matches, want %d", len(got), len(names))
	}
	// "abc-…" names score higher (first character, adjacent), in list order.
	for i := range 5000 {
		if got[i] != int32(2*i+1) || got[5000+i] != int32(2*i) {
			t.Fatalf("order broken at %d: %v", i, got[max(i-2, 0):i+3])
		}
	}
	checkSame(t, x, names, "abc")
	// Long adjacent runs: fuzzy's adjacency bonus doubles per character,
	// so these scores span far more than a counting sort is used for.
	long := strings.Repeat("abcdefghij", 3)
	wide := []string{long, "z" + long, long[:15] + "-" + long[15:], "q-" + long, long + long, "Z" + strings.ToUpper(long)}
	for i := range 300 {
		wide = append(wide, fmt.Sprintf("%s%03d", long[:10+i%20], i), long)
	}
	x = New(wide)
	for _, p := range []string{long[:20], long, long[:8], "ab"} {
		checkSame(t, x, wide, p)
	}
}

func TestOrderByScore(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	for _, span := range []int{1, 10, 1000, 1 << 20, 1 << 30} { // 1<<30: fits a 32-bit int
		n := 2000
		in := make([]int32, n)
		scores := make([]int, n)
		type pair struct {
			idx   int32
			score int
		}
		want := make([]pair, n)
		for i := range n {
			in[i] = int32(3 * i)
			scores[i] = r.IntN(span) - span/2
			want[i] = pair{in[i], scores[i]}
		}
		slices.SortStableFunc(want, func(a, b pair) int { return b.score - a.score })
		got := orderByScore(in, scores)
		for i := range n {
			if got[i] != want[i].idx {
				t.Fatalf("span %d: at %d got %d, want %d", span, i, got[i], want[i].idx)
			}
		}
	}
	if got := orderByScore(nil, nil); len(got) != 0 {
		t.Fatalf("empty: %v", got)
	}
}

// TestMayMatchNeverRefusesAMatch: the ASCII first look passes every name
// fuzzy matches.
func TestMayMatchNeverRefusesAMatch(t *testing.T) {
	r := rand.New(rand.NewPCG(9, 9))
	names := tags(r, 3000)
	names = append(names, "\u212A", "ſ", "a\x00b", "AB", "ab")
	for _, p := range []string{"a", "ab", "k", "s", "K", "S", "b", "A.B", "1.2", "sha", "st", "e-", "0"} {
		for i, n := range names {
			if len(fuzzy.Find(p, []string{n})) > 0 && !mayMatch([]byte(strings.ToLower(p)), n) {
				t.Fatalf("%q on %q (%d): refused what fuzzy matches", p, n, i)
			}
		}
	}
	if mayMatch([]byte("ab"), "ba") || mayMatch([]byte("abc"), "a-b") || !mayMatch([]byte("ab"), "xAYb") {
		t.Fatal("mayMatch is not a subsequence check")
	}
}

// TestStaleStopsARun: a run told it is stale gives up, keeps nothing, and
// the next run is still right.
func TestStaleStopsARun(t *testing.T) {
	r := rand.New(rand.NewPCG(5, 5))
	names := tags(r, 3*block)
	x := New(names)
	calls := 0
	if _, ok := x.Find("a", func() bool { calls++; return true }); ok || calls == 0 {
		t.Fatalf("a stale run finished (ok, %d looks)", calls)
	}
	if len(x.kept) != 0 {
		t.Fatalf("a stale run kept %d results", len(x.kept))
	}
	checkSame(t, x, names, "a")
	checkSame(t, x, names, "al")
}

// TestKeptIsBounded: however many queries run, what is kept stays within
// its bounds, and narrowing still gives the same answers.
func TestKeptIsBounded(t *testing.T) {
	names := make([]string, 1000)
	for i := range names {
		names[i] = fmt.Sprintf("name-%d", i)
	}
	x := New(names)
	for i := range 100 {
		checkSame(t, x, names, fmt.Sprintf("n%d", i%37))
		total := 0
		for _, k := range x.kept {
			total += len(k.in)
		}
		if len(x.kept) > keepResults || (len(x.kept) > 1 && total > keepEntries*len(names)) {
			t.Fatalf("kept %d results, %d entries", len(x.kept), total)
		}
	}
}

// New takes the names as they are, without a copy (the caller keeps them
// unchanged): it is called on the UI goroutine.
func TestNewSharesAndPositions(t *testing.T) {
	names := []string{"alpine", "bookworm"}
	x := New(names)
	if got, _ := x.Find("alp", nil); len(got) != 1 || x.Name(int(got[0])) != "alpine" {
		t.Fatalf("Find(alp) = %v", got)
	}
	big := make([]string, 100000)
	if n := testing.AllocsPerRun(10, func() { New(big) }); n > 1 {
		t.Fatalf("New of 100,000 names allocates %v times", n)
	}
	if x := New(big); &x.names[0] != &big[0] {
		t.Fatal("New copied the names")
	}
	if got := Positions("bw", "bookworm"); !slices.Equal(got, fuzzy.Find("bw", []string{"bookworm"})[0].MatchedIndexes) {
		t.Fatalf("Positions = %v", got)
	}
	if got := Positions("x", "bookworm"); got != nil {
		t.Fatalf("Positions of no match = %v", got)
	}
	if got, ok := x.Find("", nil); got != nil || !ok {
		t.Fatalf("empty pattern: %v %v", got, ok)
	}
}

// TestScoreIsFuzzys compares score with fuzzy on one name at a time: random
// names and patterns over an alphabet chosen to hit every rule (case, camel
// case, separators, adjacency, NUL, runes that fold to ASCII, broken UTF-8).
func TestScoreIsFuzzys(t *testing.T) {
	alphabet := []string{"a", "b", "c", "A", "B", "C", "k", "K", "s", "S", "1", "2", "/", "-", "_", " ", ".", "\\", "é", "É", "ß", "ẞ", "\u212A", "ſ", "日", "🙂", "\x00", "\xff", "\xe6\x97", "İ", "ı"}
	r := rand.New(rand.NewPCG(11, 13))
	pick := func(n int) string {
		var b strings.Builder
		for range n {
			b.WriteString(alphabet[r.IntN(len(alphabet))])
		}
		return b.String()
	}
	for i := range 300000 {
		name := pick(r.IntN(14))
		var pattern string
		if i%2 == 0 && name != "" {
			// Runes of the name, some case-flipped: mostly matches.
			for _, c := range name {
				if r.IntN(3) == 0 {
					if r.IntN(4) == 0 {
						c = []rune(strings.ToUpper(string(c)))[0]
					}
					pattern += string(c)
				}
			}
		}
		if pattern == "" {
			pattern = pick(1 + r.IntN(4))
		}
		got, ok := score([]rune(pattern), name)
		ms := fuzzy.Find(pattern, []string{name})
		if isASCII(pattern) {
			folded := []byte(strings.ToLower(pattern))
			if s, m, ascii := scoreASCII(folded, name); ascii && (s != got || m != ok) {
				t.Fatalf("%q in %q: scoreASCII %d %v, score %d %v", pattern, name, s, m, got, ok)
			}
		}
		if ok != (len(ms) == 1) || ok && got != ms[0].Score {
			want := "no match"
			if len(ms) == 1 {
				want = fmt.Sprint(ms[0].Score)
			}
			t.Fatalf("%q in %q: score %d, match %v; fuzzy: %s", pattern, name, got, ok, want)
		}
	}
}

// TestConcurrentFinds: the list runs each keystroke's filter in a command of
// its own, so several Finds of one index can overlap (and some are told they
// are stale half way); each answer is still fuzzy.Find's.
func TestConcurrentFinds(t *testing.T) {
	r := rand.New(rand.NewPCG(21, 21))
	names := tags(r, 3*block)
	x := New(names)
	patterns := []string{"1", "1.", "1.2", "a", "al", "alp", "sha", "s", "v1", "e-", "1.2", "a"}
	want := make([][]int32, len(patterns))
	for i, p := range patterns {
		want[i] = reference(p, names)
	}
	var wg sync.WaitGroup
	errs := make(chan string, len(patterns)*4)
	for round := range 4 {
		for i, p := range patterns {
			wg.Go(func() {
				stale := func() bool { return false }
				if (i+round)%3 == 0 {
					var n atomic.Int32
					stale = func() bool { return n.Add(1) > 1 } // gives up after a block
				}
				got, ok := x.Find(p, stale)
				if ok && !slices.Equal(got, want[i]) {
					errs <- fmt.Sprintf("%q: %d matches, fuzzy.Find %d", p, len(got), len(want[i]))
				}
			})
		}
	}
	wg.Wait()
	close(errs)
	for e := range errs {
		t.Error(e)
	}
}
