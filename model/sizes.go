package model

import (
	"encoding/binary"
	"strings"
)

// Layer compressions, as the media-type vocabulary names them.
const (
	CompressionNone    = "none"
	CompressionGzip    = "gzip"
	CompressionZstd    = "zstd"
	CompressionUnknown = "unknown"
)

// LayerCompression says how a layer's media type is compressed, from the
// vocabulary's name for it ("tar+gzip", "foreign tar+zstd", "tar", …). An
// encrypted or unknown layer is CompressionUnknown.
func LayerCompression(mediaType string) string {
	if KindOf(mediaType) != KindLayer {
		return CompressionUnknown
	}
	name := MediaTypeName(mediaType)
	switch {
	case strings.Contains(name, "encrypted"):
		return CompressionUnknown
	case strings.HasSuffix(name, "+gzip"):
		return CompressionGzip
	case strings.HasSuffix(name, "+zstd"):
		return CompressionZstd
	case strings.HasSuffix(name, "tar"):
		return CompressionNone
	}
	return CompressionUnknown
}

// GzipTrailerLen is how many bytes at the end of a gzip stream GzipISize
// reads.
const GzipTrailerLen = 4

// GzipISize estimates a gzip layer's uncompressed size from its trailer's
// ISIZE (RFC 1952: the input size modulo 2^32, little-endian) and its
// compressed size. A tar compresses to less than it is, so ISIZE is taken
// as the smallest size ≥ the compressed one (less gzip's overhead) that it
// can stand for: right below 4 GiB, and above it while the ratio stays
// under about 4 GiB of growth. Multi-member streams count their last member
// only. It is an estimate: label it so.
func GzipISize(trailer []byte, compressed int64) (int64, bool) {
	if len(trailer) != GzipTrailerLen || compressed <= 0 {
		return 0, false
	}
	n := int64(binary.LittleEndian.Uint32(trailer))
	floor := compressed - compressed/1000 - 64 // stored blocks add ~5 bytes per 64 KiB, plus header and trailer
	for n < floor {
		n += 1 << 32
	}
	return n, true
}

// ZstdHeaderLen is how many bytes at the start of a zstd stream
// ZstdContentSize may need: magic, frame header descriptor, window
// descriptor, dictionary id and frame content size (RFC 8878 3.1.1).
const ZstdHeaderLen = 18

// ZstdContentSize reads the frame content size of the first zstd frame, when
// its header carries one. A stream of several frames (zstd:chunked) holds
// more than the first frame: the caller says "unknown" for those.
func ZstdContentSize(header []byte) (int64, bool) {
	if len(header) < 5 || binary.LittleEndian.Uint32(header) != 0xFD2FB528 {
		return 0, false
	}
	fhd := header[4]
	fcsFlag, single, dictFlag := fhd>>6, fhd>>5&1 == 1, fhd&3
	pos := 5
	if !single {
		pos++ // window descriptor
	}
	pos += []int{0, 1, 2, 4}[dictFlag]
	size := []int{0, 2, 4, 8}[fcsFlag]
	if fcsFlag == 0 && single {
		size = 1
	}
	if size == 0 || len(header) < pos+size {
		return 0, false // no content size in the header
	}
	b := header[pos : pos+size]
	switch size {
	case 1:
		return int64(b[0]), true
	case 2:
		return int64(binary.LittleEndian.Uint16(b)) + 256, true
	case 4:
		return int64(binary.LittleEndian.Uint32(b)), true
	}
	v := binary.LittleEndian.Uint64(b)
	if v > 1<<62 {
		return 0, false
	}
	return int64(v), true
}

// AnnotationZstdChunked marks a zstd:chunked layer (many frames).
const AnnotationZstdChunked = "io.github.containers.zstd-chunked.manifest-checksum"

// SizeReport is what `manifold sizes` shows: the pull size of each
// platform, what the platforms share, the unique total, and the
// attestations counted apart.
type SizeReport struct {
	Reference string         `json:"reference"`
	Digest    string         `json:"digest"`
	Platforms []PlatformSize `json:"platforms"`
	// UniqueBytes is every distinct blob (configs and layers) of the
	// platforms' images: what a registry stores, and what pulling every
	// platform downloads.
	UniqueBytes int64 `json:"uniqueBytes"`
	// SumBytes is the platforms' pull sizes added up; SumBytes -
	// UniqueBytes is what sharing saves.
	SumBytes     int64           `json:"sumBytes"`
	Attestations AttestationSize `json:"attestations"`
}

// PlatformSize is one platform's sizes.
type PlatformSize struct {
	Platform string `json:"platform"`
	Digest   string `json:"digest"`
	// Compressed is the pull size: the config and the layers as stored.
	Compressed int64 `json:"compressed"`
	Layers     int   `json:"layers"`
	// SharedBytes are the layer bytes another platform of the index has
	// too; UniqueBytes the ones only this platform has.
	SharedBytes int64 `json:"sharedBytes"`
	UniqueBytes int64 `json:"uniqueBytes"`
	// Uncompressed is the estimated unpacked size of the layers, from the
	// gzip trailers and zstd headers; UncompressedKnown is false when a
	// layer's size could not be known (ranges refused, zstd:chunked,
	// encrypted), and then Uncompressed counts only the known layers.
	Uncompressed      int64 `json:"uncompressedEstimate"`
	UncompressedKnown bool  `json:"uncompressedKnown"`
	UnknownLayers     int   `json:"unknownLayers"`
	// Note says why the sizes are missing (a missing child).
	Note string `json:"note,omitempty"`
}

// AttestationSize counts the attestation manifests of an index apart.
type AttestationSize struct {
	Count int   `json:"count"`
	Bytes int64 `json:"bytes"` // their manifests, configs and layers
}

// Sizes computes a SizeReport from a fetched tree (children and configs).
// uncompressed holds the uncompressed size of every layer digest whose size
// is known (EstimateLayer); a layer not in it is unknown.
func Sizes(t *Tree, uncompressed map[string]int64) *SizeReport {
	r := &SizeReport{Reference: t.Reference, Digest: t.Digest, Platforms: []PlatformSize{}}
	type img struct {
		plat, digest, note string
		im                 *Image
	}
	var imgs []img
	if t.IsIndex() {
		for _, e := range imageEntries(t.Entries) {
			imgs = append(imgs, img{plat: entryPlatform(e).String(), digest: e.Digest, im: e.Image, note: unreadable(e)})
		}
		r.Attestations = attestationSizes(t.Entries)
	} else if t.Image != nil {
		var p Platform
		if t.Image.Config != nil {
			p = t.Image.Config.Platform()
		}
		imgs = append(imgs, img{plat: p.String(), digest: t.Digest, im: t.Image})
	}
	// Which platforms use each layer.
	users := map[string]map[int]bool{}
	for i, x := range imgs {
		if x.im == nil {
			continue
		}
		for _, l := range x.im.Layers {
			if users[l.Digest] == nil {
				users[l.Digest] = map[int]bool{}
			}
			users[l.Digest][i] = true
		}
	}
	seen := map[string]bool{}
	for _, x := range imgs {
		ps := PlatformSize{Platform: x.plat, Digest: x.digest, Note: x.note, UncompressedKnown: x.im != nil}
		if x.im != nil {
			ps.Compressed = x.im.TotalSize()
			ps.Layers = len(x.im.Layers)
			for _, d := range append([]Descriptor{x.im.ConfigDescriptor}, x.im.Layers...) {
				if !seen[d.Digest] {
					seen[d.Digest] = true
					r.UniqueBytes += max(d.Size, 0)
				}
			}
			for _, l := range x.im.Layers {
				if len(users[l.Digest]) > 1 {
					ps.SharedBytes += max(l.Size, 0)
				} else {
					ps.UniqueBytes += max(l.Size, 0)
				}
				if u, ok := uncompressed[l.Digest]; ok {
					ps.Uncompressed += u
				} else {
					ps.UncompressedKnown = false
					ps.UnknownLayers++
				}
			}
		}
		r.SumBytes += ps.Compressed
		r.Platforms = append(r.Platforms, ps)
	}
	return r
}

// attestationSizes adds up the attestation manifests of an index.
func attestationSizes(es []*Entry) AttestationSize {
	var a AttestationSize
	for _, e := range es {
		if len(e.Children) > 0 {
			n := attestationSizes(e.Children)
			a.Count, a.Bytes = a.Count+n.Count, a.Bytes+n.Bytes
			continue
		}
		if !e.IsAttestation() {
			continue
		}
		a.Count++
		a.Bytes += max(e.Size, 0)
		if e.Image != nil {
			a.Bytes += e.Image.TotalSize()
		}
	}
	return a
}

// LayersToEstimate lists the distinct layers of a tree's platform images
// whose uncompressed size a range request can tell: gzip (the trailer) and
// zstd other than zstd:chunked (the frame header). Uncompressed layers are
// returned in known with their own size.
func LayersToEstimate(t *Tree) (ranged []Descriptor, known map[string]int64) {
	known = map[string]int64{}
	seen := map[string]bool{}
	var images []*Image
	if t.IsIndex() {
		for _, e := range imageEntries(t.Entries) {
			if e.Image != nil {
				images = append(images, e.Image)
			}
		}
	} else if t.Image != nil {
		images = append(images, t.Image)
	}
	for _, im := range images {
		for _, l := range im.Layers {
			if seen[l.Digest] {
				continue
			}
			seen[l.Digest] = true
			switch LayerCompression(l.MediaType) {
			case CompressionNone:
				known[l.Digest] = max(l.Size, 0)
			case CompressionGzip:
				ranged = append(ranged, l)
			case CompressionZstd:
				if l.Annotations[AnnotationZstdChunked] == "" {
					ranged = append(ranged, l)
				}
			}
		}
	}
	return ranged, known
}

// unreadable says why an entry's image could not be read, or "".
func unreadable(e *Entry) string {
	switch {
	case e.Missing:
		return "missing from the registry (404)"
	case e.Err != "":
		return "unreadable: " + e.Err
	}
	return ""
}
