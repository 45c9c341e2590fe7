package list

import (
	"fmt"
	"testing"
)

// BenchmarkFilter100k is the fuzzy filter over 100,000 tags (it runs in a
// command, not in Update or View).
func BenchmarkFilter100k(b *testing.B) {
	names := make([]string, 100000)
	for i := range names {
		names[i] = fmt.Sprintf("%d.%d.%d-build%d", i/10000, (i/100)%100, i%100, i)
	}
	b.ResetTimer()
	for b.Loop() {
		runFilter("1.2.3", names)
	}
}
