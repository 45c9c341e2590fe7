package model

import (
	"fmt"
	"testing"
)

// bigTree is an index of n image entries, each with a config and layers,
// the first half sharing a base layer; gen changes the second half's
// toolchain layer and env, so a diff of gen 1 against gen 2 has work on
// every platform.
func bigTree(n, gen int) *Tree {
	t := &Tree{Reference: fmt.Sprintf("r/app:%d", gen), Repository: "r/app", MediaType: MediaTypeOCIIndex, Digest: fxDigest([]byte(fmt.Sprint("root", gen)))}
	arches := []string{"amd64", "arm64", "ppc64le", "s390x", "riscv64", "386", "mips64le", "loong64"}
	for i := range n {
		p := Platform{OS: "linux", Architecture: arches[i%len(arches)], OSVersion: fmt.Sprint(i)}
		layers := []Descriptor{
			{MediaType: "application/vnd.oci.image.layer.v1.tar+gzip", Digest: fxDigest([]byte(fmt.Sprint("base", i%2))), Size: 30 << 20},
			{MediaType: "application/vnd.oci.image.layer.v1.tar+gzip", Digest: fxDigest([]byte(fmt.Sprint("tool", i, gen*(i%2)))), Size: 60 << 20},
		}
		img := &Image{Digest: fxDigest([]byte(fmt.Sprint("img", i, gen*(i%2)))), MediaType: MediaTypeOCIManifest, Layers: layers,
			ConfigDescriptor: Descriptor{Size: 1500},
			Config: &Config{OS: p.OS, Architecture: p.Architecture, Env: []string{"PATH=/bin", fmt.Sprint("GEN=", gen*(i%2))}, Cmd: []string{"app"},
				Labels: map[string]string{"v": fmt.Sprint(gen)}, History: make([]History, 10+gen)}}
		pp := p
		e := &Entry{Descriptor: Descriptor{MediaType: MediaTypeOCIManifest, Digest: img.Digest, Size: 900, Platform: &pp}, Image: img}
		t.Entries = append(t.Entries, e)
	}
	return t
}

func BenchmarkDiffRefs200(b *testing.B) {
	from, to := bigTree(200, 1), bigTree(200, 2)
	b.ReportAllocs()
	for b.Loop() {
		d := DiffRefs(from, to)
		if len(d.Platforms) != 200 {
			b.Fatal(len(d.Platforms))
		}
	}
}

func BenchmarkCheck200(b *testing.B) {
	t := bigTree(200, 1)
	var o CheckOptions
	for _, e := range t.Entries[:150] {
		o.Expect = append(o.Expect, *e.Platform)
	}
	o.Expect = append(o.Expect, Platform{OS: "linux", Architecture: "arm", Variant: "v7"})
	o.Exact, o.RequireAttestations = true, true
	o.MaxSize = []SizeLimit{{Platform: Platform{OS: "*"}, Bytes: 80 << 20}}
	b.ReportAllocs()
	for b.Loop() {
		if ps := Check(t, o); len(ps) == 0 {
			b.Fatal("no problems")
		}
	}
}
