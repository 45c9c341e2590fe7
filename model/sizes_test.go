package model

import (
	"encoding/binary"
	"testing"
)

func TestGzipISizeWrapsPast4GiB(t *testing.T) {
	tr := func(n uint32) []byte { b := make([]byte, 4); binary.LittleEndian.PutUint32(b, n); return b }
	cases := []struct {
		isize      uint32
		compressed int64
		want       int64
	}{
		{1000, 300, 1000},                   // an ordinary layer
		{290, 300, 290},                     // incompressible: a little smaller is gzip's overhead
		{100, 3 << 30, 1<<32 + 100},         // 3 GiB compressed: the size wrapped once
		{5 << 20, 5<<30 + 7, 2<<32 + 5<<20}, // 5 GiB compressed: twice
		{1 << 31, 1 << 20, 1 << 31},         // 2 GiB from 1 MiB: below 4 GiB, taken as is
	}
	for _, c := range cases {
		got, ok := GzipISize(tr(c.isize), c.compressed)
		if !ok || got != c.want {
			t.Errorf("ISIZE %d of %d compressed = %d, want %d", c.isize, c.compressed, got, c.want)
		}
	}
	if _, ok := GzipISize([]byte{1, 2}, 10); ok {
		t.Error("short trailer accepted")
	}
}

func TestZstdContentSize(t *testing.T) {
	// Frame headers by hand (RFC 8878 3.1.1.1).
	cases := []struct {
		name   string
		header []byte
		want   int64
		ok     bool
	}{
		{"single segment, 1-byte size", []byte{0x28, 0xb5, 0x2f, 0xfd, 0x20, 200}, 200, true},
		{"2-byte size +256", []byte{0x28, 0xb5, 0x2f, 0xfd, 0x60, 0x10, 0x00}, 0x10 + 256, true},
		{"window, 4-byte size", []byte{0x28, 0xb5, 0x2f, 0xfd, 0x80, 0x58, 0x40, 0x42, 0x0f, 0x00}, 1000000, true},
		{"dict id 1 byte, 8-byte size", []byte{0x28, 0xb5, 0x2f, 0xfd, 0xe1, 0x07, 1, 0, 0, 0, 1, 0, 0, 0}, 1<<32 + 1, true},
		{"no size", []byte{0x28, 0xb5, 0x2f, 0xfd, 0x00, 0x58}, 0, false},
		{"not zstd", []byte{0x1f, 0x8b, 8, 0, 0, 0}, 0, false},
		{"truncated", []byte{0x28, 0xb5, 0x2f, 0xfd, 0x80, 0x58, 0x40}, 0, false},
	}
	for _, c := range cases {
		got, ok := ZstdContentSize(c.header)
		if ok != c.ok || got != c.want {
			t.Errorf("%s: %d %v, want %d %v", c.name, got, ok, c.want, c.ok)
		}
	}
}

func TestLayerCompression(t *testing.T) {
	for mt, want := range map[string]string{
		"application/vnd.oci.image.layer.v1.tar+gzip":                  CompressionGzip,
		"application/vnd.docker.image.rootfs.diff.tar.gzip":            CompressionGzip,
		"application/vnd.oci.image.layer.v1.tar+zstd":                  CompressionZstd,
		"application/vnd.oci.image.layer.v1.tar":                       CompressionNone,
		"application/vnd.oci.image.layer.v1.tar+gzip+encrypted":        CompressionUnknown,
		"application/vnd.in-toto+json":                                 CompressionUnknown,
		"application/vnd.oci.image.layer.nondistributable.v1.tar+gzip": CompressionGzip,
	} {
		if got := LayerCompression(mt); got != want {
			t.Errorf("%s: %s, want %s", mt, got, want)
		}
	}
}
