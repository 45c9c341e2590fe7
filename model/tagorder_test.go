package model

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"sort"
	"testing"
)

func TestVersionLess(t *testing.T) {
	cases := []struct {
		a, b string
		less bool
	}{
		{"1.10", "1.9", true}, {"v2", "1.99", true}, {"1.2.0", "1.2.0-rc.1", true},
		{"1.2.0-rc.1", "1.2.0", false}, {"1.0", "latest", true}, {"latest", "main", true},
		{"3.20-alpine", "3.20", false}, {"1.2.0", "1.2", true}, {"50000.0", "40000.1", true},
	}
	for _, c := range cases {
		if got := VersionLess(c.a, c.b); got != c.less {
			t.Errorf("VersionLess(%q, %q) = %v", c.a, c.b, got)
		}
	}
	if n := testing.AllocsPerRun(100, func() { VersionLess("v1.22.3-rc.1", "1.22.10") }); n != 0 {
		t.Fatalf("VersionLess allocates %v times per call", n)
	}
}

// tagSample mixes the shapes real tags have, with edge cases for the keys:
// big numbers, many parts, suffixes, non-versions, a leading v.
func tagSample(n int) []string {
	r := rand.New(rand.NewPCG(1, 2))
	shapes := []func() string{
		func() string { return fmt.Sprintf("%d.%d.%d", r.IntN(5), r.IntN(30), r.IntN(30)) },
		func() string { return fmt.Sprintf("v%d.%d", r.IntN(5), r.IntN(30)) },
		func() string { return fmt.Sprintf("%d.%d.%d-rc.%d", r.IntN(5), r.IntN(30), r.IntN(30), r.IntN(12)) },
		func() string { return fmt.Sprintf("%d.%d-alpine%d.%d", r.IntN(5), r.IntN(30), 3, r.IntN(21)) },
		func() string { return fmt.Sprintf("%d.%d", 32000+r.IntN(3000), r.IntN(3)) },
		func() string { return fmt.Sprintf("1.2.3.4.5.%d.%d", r.IntN(3), r.IntN(3)) },
		func() string { return fmt.Sprintf("%d", 20240000+r.IntN(100000)) },
		func() string {
			return []string{"latest", "main", "edge", "nightly", "sha-abc", "a", "a\x00"}[r.IntN(7)]
		},
		func() string { return fmt.Sprintf("build-%d", r.IntN(1000)) },
	}
	out := make([]string, n)
	for i := range out {
		out[i] = shapes[r.IntN(len(shapes))]()
	}
	return out
}

// Keys never contradict Less, and SortedNames fed in pages ends in the
// order a stable sort of everything gives, in both orders.
func TestSortedNamesMatchesASort(t *testing.T) {
	names := tagSample(20000)
	for _, o := range []TagOrder{ByName, ByVersion} {
		for i := 1; i < len(names); i++ {
			a, b := names[i-1], names[i]
			if ka, kb := o.Key(a), o.Key(b); ka < kb && !o.Less(a, b) || kb < ka && !o.Less(b, a) {
				t.Fatalf("%s: keys of %q (%x) and %q (%x) contradict Less", o.Name, a, ka, b, kb)
			}
		}
		seen := map[string]bool{}
		var uniq []string
		for _, n := range names {
			if !seen[n] {
				seen[n] = true
				uniq = append(uniq, n)
			}
		}
		s := NewSortedNames(o)
		for i := 0; i < len(uniq); i += 777 {
			s.Add(uniq[i:min(i+777, len(uniq))])
		}
		want := append([]string(nil), uniq...)
		sort.SliceStable(want, func(i, j int) bool { return o.Less(want[i], want[j]) })
		got := s.Names()
		for i := range want {
			if got[i] != want[i] {
				t.Fatalf("%s: name %d is %q, want %q", o.Name, i, got[i], want[i])
			}
		}
		other := ByName
		if o.Name == "name" {
			other = ByVersion
		}
		s.SetOrder(other)
		sort.SliceStable(want, func(i, j int) bool { return other.Less(want[i], want[j]) })
		for i := range want {
			if s.Names()[i] != want[i] {
				t.Fatalf("%s → %s: name %d is %q, want %q", o.Name, other.Name, i, s.Names()[i], want[i])
			}
		}
	}
}

// BenchmarkSortedNames100k is 100,000 tags arriving as 100 pages of 1,000,
// merged into version order: the whole work of a listing.
func BenchmarkSortedNames100k(b *testing.B) {
	names := make([]string, 100000)
	for i := range names {
		j := (i * 7919) % len(names)
		names[i] = fmt.Sprintf("%d.%d.%d-build%d", j/10000, (j/100)%100, j%100, j)
	}
	b.ReportAllocs()
	for b.Loop() {
		s := NewSortedNames(ByVersion)
		for p := 0; p < 100; p++ {
			s.Add(names[p*1000 : (p+1)*1000])
		}
	}
}

// A snapshot never changes: pages merged after it, a new order and a
// reset followed by new names all go to a new array, while a reader on
// another goroutine goes through the snapshot (run with -race). The list
// itself stays right, and goes back to working in place.
func TestSortedNamesSnapshotNeverChanges(t *testing.T) {
	names := uniqueSample(12000)
	s := NewSortedNames(ByVersion)
	s.Add(names)
	s.Reset() // room for every name: the pages below fit in the array
	s.Add(names[:4000])
	snap := s.Snapshot()
	want := slices.Clone(snap)
	if !slices.Equal(snap, s.Names()) {
		t.Fatal("the snapshot is not the names")
	}
	if cap(snap) != len(snap) {
		t.Fatalf("the snapshot has room to append into the list's array: len %d cap %d", len(snap), cap(snap))
	}
	done := make(chan int)
	go func() {
		// What a filter run does: read every name, over and over.
		n := 0
		for range 50 {
			for _, name := range snap {
				n += len(name)
			}
		}
		done <- n
	}()
	check := func(step string, all []string, o TagOrder) {
		t.Helper()
		if !slices.Equal(snap, want) {
			t.Fatalf("after %s the snapshot changed", step)
		}
		sorted := slices.Clone(all)
		sort.SliceStable(sorted, func(i, j int) bool { return o.Less(sorted[i], sorted[j]) })
		if !slices.Equal(s.Names(), sorted) {
			t.Fatalf("after %s the list is out of order", step)
		}
	}
	s.Add(names[4000:5000])
	check("a page", names[:5000], ByVersion)
	s.Add(names[5000:6000]) // no snapshot since the last change: in place
	check("a second page", names[:6000], ByVersion)

	snap2 := s.Snapshot()
	want2 := slices.Clone(snap2)
	s.SetOrder(ByName)
	check("a new order", names[:6000], ByName)
	if !slices.Equal(snap2, want2) {
		t.Fatal("a new order changed the second snapshot")
	}
	snap3 := s.Snapshot()
	want3 := slices.Clone(snap3)
	s.Reset()
	s.Add(names[6000:])
	check("a reset and new names", names[6000:], ByName)
	if !slices.Equal(snap3, want3) {
		t.Fatal("a reset changed the third snapshot")
	}
	<-done
	if !slices.Equal(snap, want) {
		t.Fatal("the snapshot changed")
	}
}

// Without a snapshot a page is merged in place: no new array once the
// capacity is there (a listing's allocation stays flat).
func TestSortedNamesMergeInPlace(t *testing.T) {
	names := uniqueSample(4000)
	s := NewSortedNames(ByVersion)
	s.Add(names)
	s.Snapshot()
	s.Reset()
	s.Add(names[:2000]) // to a new array (the old one is the snapshot's)
	s.Add(names[2000:]) // in place, growing it
	first := &s.Names()[0]
	s.Reset()
	for i := 0; i < len(names); i += 500 {
		s.Add(names[i : i+500])
		if &s.Names()[0] != first {
			t.Fatalf("page %d, without a snapshot, moved the names to a new array", i/500)
		}
	}
}

func uniqueSample(n int) []string {
	seen := map[string]bool{}
	var out []string
	for _, name := range tagSample(3 * n) {
		if !seen[name] && len(out) < n {
			seen[name] = true
			out = append(out, name)
		}
	}
	return out
}
