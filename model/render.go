package model

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"reflect"
)

// Field orders of the two list formats. A Docker manifest list is written
// as docker's own encoder writes it (distribution v2's manifestlist types,
// which `docker manifest push` uses): mediaType, size, digest, then the
// platform. An OCI index follows the image-spec: mediaType, digest, size,
// urls, annotations, data, platform, artifactType. Fields manifold does not
// model (urls, data, and keys no spec names) are kept as they were read and
// written after the known ones.
var (
	dockerDescriptorOrder = []string{"mediaType", "size", "digest", "urls", "platform"}
	ociDescriptorOrder    = []string{"mediaType", "digest", "size", "urls", "annotations", "data", "platform", "artifactType"}
	// modelled are the descriptor fields a StagedEntry holds itself; any
	// other field is carried over from the descriptor as it was read.
	modelled = map[string]bool{"mediaType": true, "digest": true, "size": true, "platform": true, "annotations": true, "artifactType": true}
	// dockerDrops are the descriptor fields a Docker list cannot carry.
	dockerDrops = map[string]bool{"annotations": true, "artifactType": true, "data": true}
	// indexKnown are the top-level fields of an index that manifold models.
	indexKnown = map[string]bool{"schemaVersion": true, "mediaType": true, "artifactType": true, "manifests": true, "subject": true, "annotations": true}
)

// jsonField is one member of a JSON object, in the order it was read.
type jsonField struct {
	Key   string
	Value json.RawMessage
}

// objectFields splits a JSON object into its members, in order. Duplicate
// keys keep the last value, as encoding/json does.
func objectFields(raw []byte) ([]jsonField, error) {
	dec := json.NewDecoder(bytes.NewReader(raw))
	tok, err := dec.Token()
	if err != nil {
		return nil, err
	}
	if d, ok := tok.(json.Delim); !ok || d != '{' {
		return nil, fmt.Errorf("not a JSON object")
	}
	var out []jsonField
	pos := map[string]int{}
	for dec.More() {
		tok, err := dec.Token()
		if err != nil {
			return nil, err
		}
		key, ok := tok.(string)
		if !ok {
			return nil, fmt.Errorf("object key is not a string")
		}
		var v json.RawMessage
		if err := dec.Decode(&v); err != nil {
			return nil, err
		}
		if i, dup := pos[key]; dup {
			out[i].Value = v
			continue
		}
		pos[key] = len(out)
		out = append(out, jsonField{Key: key, Value: v})
	}
	return out, nil
}

// hasDuplicateKeys reports whether any object in raw, at any depth, names a
// key twice. Clients disagree on which one wins, so such bytes are never
// written back as read: manifold writes the value it shows.
func hasDuplicateKeys(raw []byte) bool {
	dec := json.NewDecoder(bytes.NewReader(raw))
	type frame struct {
		object bool
		keys   map[string]bool
		expect bool // the next token in an object is a key
	}
	var stack []*frame
	for {
		tok, err := dec.Token()
		if err != nil {
			return false
		}
		var top *frame
		if len(stack) > 0 {
			top = stack[len(stack)-1]
		}
		if top != nil && top.object && top.expect {
			if k, ok := tok.(string); ok {
				if top.keys[k] {
					return true
				}
				top.keys[k] = true
				top.expect = false
				continue
			}
		}
		switch tok {
		case json.Delim('{'):
			stack = append(stack, &frame{object: true, keys: map[string]bool{}, expect: true})
			continue
		case json.Delim('['):
			stack = append(stack, &frame{})
			continue
		case json.Delim('}'), json.Delim(']'):
			if len(stack) > 0 {
				stack = stack[:len(stack)-1]
			}
		}
		if len(stack) == 0 {
			return false // a whole value was read
		}
		if t := stack[len(stack)-1]; t.object {
			t.expect = true
		}
	}
}

// writeObject writes fields as a compact JSON object.
func writeObject(b *bytes.Buffer, fields []jsonField) error {
	b.WriteByte('{')
	for i, f := range fields {
		if i > 0 {
			b.WriteByte(',')
		}
		k, _ := json.Marshal(f.Key)
		b.Write(k)
		b.WriteByte(':')
		if err := json.Compact(b, f.Value); err != nil {
			return fmt.Errorf("field %s: %w", f.Key, err)
		}
	}
	b.WriteByte('}')
	return nil
}

// extraFields returns the members of a JSON object whose keys are not in
// known, as an object in their original order; nil when there are none.
func extraFields(raw []byte, known map[string]bool) json.RawMessage {
	fields, err := objectFields(raw)
	if err != nil {
		return nil
	}
	var keep []jsonField
	for _, f := range fields {
		if !known[f.Key] {
			keep = append(keep, f)
		}
	}
	if len(keep) == 0 {
		return nil
	}
	var b bytes.Buffer
	if writeObject(&b, keep) != nil {
		return nil
	}
	return b.Bytes()
}

// renderPlatform fixes the field order of a platform, the same in both
// formats.
type renderPlatform struct {
	Architecture string   `json:"architecture"`
	OS           string   `json:"os"`
	OSVersion    string   `json:"os.version,omitempty"`
	OSFeatures   []string `json:"os.features,omitempty"`
	Variant      string   `json:"variant,omitempty"`
	Features     []string `json:"features,omitempty"`
}

// modelledDescriptor is what a StagedEntry says of its descriptor, used to
// tell whether an entry still says what the descriptor it was read from said.
type modelledDescriptor struct {
	MediaType    string            `json:"mediaType"`
	Digest       string            `json:"digest"`
	Size         int64             `json:"size"`
	Platform     *renderPlatform   `json:"platform"`
	Annotations  map[string]string `json:"annotations"`
	ArtifactType string            `json:"artifactType"`
}

func (e StagedEntry) modelled(docker bool) modelledDescriptor {
	d := modelledDescriptor{MediaType: e.MediaType, Digest: e.Digest, Size: e.Size}
	if p := e.Platform; p != nil {
		d.Platform = &renderPlatform{Architecture: p.Architecture, OS: p.OS, OSVersion: p.OSVersion, Variant: p.Variant,
			OSFeatures: nonEmpty(p.OSFeatures), Features: nonEmpty(p.Features)}
	}
	if !docker {
		if len(e.Annotations) > 0 {
			d.Annotations = e.Annotations
		}
		d.ArtifactType = e.ArtifactType
	}
	return d
}

// descriptorJSON renders one entry. An entry that still says what the
// descriptor it was read from said is written as that descriptor, byte for
// byte (its field order, annotation order and unknown fields). Otherwise
// the fields are written in the format's order, with the fields manifold
// does not model carried over from the descriptor read.
func (e StagedEntry) descriptorJSON(b *bytes.Buffer, docker bool, mt string) error {
	m := e.modelled(docker)
	var orig []jsonField
	if len(e.Descriptor) > 0 {
		fields, err := objectFields(e.Descriptor)
		if err != nil {
			return fmt.Errorf("descriptor as read: %w", err)
		}
		orig = fields
		var was modelledDescriptor
		_ = json.Unmarshal(e.Descriptor, &was)
		if was.Platform != nil {
			was.Platform.OSFeatures, was.Platform.Features = nonEmpty(was.Platform.OSFeatures), nonEmpty(was.Platform.Features)
		}
		if len(was.Annotations) == 0 {
			was.Annotations = nil
		}
		drops := false
		for _, f := range fields {
			drops = drops || docker && dockerDrops[f.Key]
		}
		sameFormat := e.DescriptorIn == "" || e.DescriptorIn == mt
		if !drops && sameFormat && reflect.DeepEqual(was, m) && !hasDuplicateKeys(e.Descriptor) {
			return json.Compact(b, e.Descriptor)
		}
	}
	origVal := map[string]json.RawMessage{}
	for _, f := range orig {
		origVal[f.Key] = f.Value
	}
	known := map[string]json.RawMessage{}
	// put keeps a field's bytes as read when the entry still says the same
	// (annotations keep their order when only the platform was edited).
	put := func(k string, v any) {
		raw, err := json.Marshal(v)
		if err != nil {
			return
		}
		if o, ok := origVal[k]; ok && sameJSONValue(o, raw, v) && !hasDuplicateKeys(o) {
			raw = o
		}
		known[k] = raw
	}
	put("mediaType", m.MediaType)
	put("digest", m.Digest)
	put("size", m.Size)
	if m.Platform != nil {
		put("platform", m.Platform)
	}
	if m.Annotations != nil {
		put("annotations", m.Annotations)
	}
	if m.ArtifactType != "" {
		put("artifactType", m.ArtifactType)
	}
	extra := map[string]json.RawMessage{}
	for _, f := range orig {
		if !modelled[f.Key] && !(docker && dockerDrops[f.Key]) {
			extra[f.Key] = f.Value
		}
	}
	order := ociDescriptorOrder
	if docker {
		order = dockerDescriptorOrder
	}
	var out []jsonField
	inOrder := map[string]bool{}
	for _, k := range order {
		inOrder[k] = true
		if v, ok := known[k]; ok {
			out = append(out, jsonField{k, v})
		} else if v, ok := extra[k]; ok {
			out = append(out, jsonField{k, v})
		}
	}
	for _, f := range orig {
		if _, ok := extra[f.Key]; ok && !inOrder[f.Key] {
			out = append(out, f)
		}
	}
	return writeObject(b, out)
}

// sameJSONValue reports whether orig decodes to the same value as v (whose
// encoding is enc).
func sameJSONValue(orig, enc json.RawMessage, v any) bool {
	target := reflect.New(reflect.TypeOf(v))
	if json.Unmarshal(orig, target.Interface()) != nil {
		return false
	}
	again, err := json.Marshal(target.Elem().Interface())
	return err == nil && bytes.Equal(again, enc)
}

// Render returns the bytes of the list as it is pushed and their digest. The
// output depends only on the list: entries keep their order, map keys are
// sorted, and it is indented with three spaces as docker's encoder does. A
// Docker list carries no annotations, artifact types or subject.
func (l *StagedList) Render() (raw []byte, digest string, err error) {
	mt := l.EffectiveMediaType()
	if !IsIndexMediaType(mt) {
		return nil, "", fmt.Errorf("media type %q is not a list or index", mt)
	}
	docker := mt == MediaTypeDockerList
	var b bytes.Buffer
	field := func(k string, v []byte) {
		if b.Len() > 1 {
			b.WriteByte(',')
		}
		kb, _ := json.Marshal(k)
		b.Write(kb)
		b.WriteByte(':')
		b.Write(v)
	}
	b.WriteByte('{')
	field("schemaVersion", []byte("2"))
	mtb, _ := json.Marshal(mt)
	field("mediaType", mtb)
	if !docker && l.ArtifactType != "" {
		at, _ := json.Marshal(l.ArtifactType)
		field("artifactType", at)
	}
	var ms bytes.Buffer
	ms.WriteByte('[')
	for i, e := range l.Entries {
		if err := ValidateDigest(e.Digest); err != nil {
			return nil, "", fmt.Errorf("entry %d (%s): %w", i+1, e.Source, err)
		}
		if e.Size <= 0 {
			return nil, "", fmt.Errorf("entry %d (%s): size %d is not positive", i+1, e.Source, e.Size)
		}
		if i > 0 {
			ms.WriteByte(',')
		}
		if err := e.descriptorJSON(&ms, docker, mt); err != nil {
			return nil, "", fmt.Errorf("entry %d (%s): %w", i+1, e.Source, err)
		}
	}
	ms.WriteByte(']')
	field("manifests", ms.Bytes())
	if !docker && len(l.Subject) > 0 {
		var s bytes.Buffer
		if err := json.Compact(&s, l.Subject); err != nil {
			return nil, "", fmt.Errorf("subject: %w", err)
		}
		field("subject", s.Bytes())
	}
	var extra []jsonField
	if len(l.Extra) > 0 {
		if extra, err = objectFields(l.Extra); err != nil {
			return nil, "", fmt.Errorf("index fields as read: %w", err)
		}
	}
	if !docker && len(l.Annotations) > 0 {
		a, err := json.Marshal(l.Annotations)
		if err != nil {
			return nil, "", fmt.Errorf("render list: %w", err)
		}
		// Unchanged annotations keep the order they were read in.
		for _, f := range extra {
			if f.Key == "annotations" && sameJSONValue(f.Value, a, l.Annotations) && !hasDuplicateKeys(f.Value) {
				var c bytes.Buffer
				if json.Compact(&c, f.Value) == nil {
					a = c.Bytes()
				}
			}
		}
		field("annotations", a)
	}
	for _, f := range extra {
		if indexKnown[f.Key] {
			continue
		}
		var v bytes.Buffer
		if err := json.Compact(&v, f.Value); err != nil {
			return nil, "", fmt.Errorf("index field %s: %w", f.Key, err)
		}
		field(f.Key, v.Bytes())
	}
	b.WriteByte('}')
	var out bytes.Buffer
	if err := json.Indent(&out, b.Bytes(), "", "   "); err != nil {
		return nil, "", fmt.Errorf("render list: %w", err)
	}
	raw = out.Bytes()
	sum := sha256.Sum256(raw)
	return raw, "sha256:" + hex.EncodeToString(sum[:]), nil
}

// droppedIndexFields lists what a Docker list cannot carry of this list: the
// index's artifactType and subject, for a warning before the push.
func (l *StagedList) droppedIndexFields() []string {
	var out []string
	if l.ArtifactType != "" {
		out = append(out, "artifactType")
	}
	if len(l.Subject) > 0 {
		out = append(out, "subject")
	}
	return out
}

// descriptorDrops lists the fields of the entry's descriptor, as read, that
// a Docker list cannot carry (data), besides annotations and artifactType.
func (e StagedEntry) descriptorDrops() []string {
	if len(e.Descriptor) == 0 {
		return nil
	}
	fields, err := objectFields(e.Descriptor)
	if err != nil {
		return nil
	}
	var out []string
	for _, f := range fields {
		if f.Key == "data" {
			out = append(out, f.Key)
		}
	}
	return out
}

// rawDescriptors returns the descriptors of an index's manifests as they
// were written, in order, or nil when raw is not an index.
func rawDescriptors(raw []byte) []json.RawMessage {
	var m struct {
		Manifests []json.RawMessage `json:"manifests"`
	}
	if json.Unmarshal(raw, &m) != nil {
		return nil
	}
	return m.Manifests
}

// indexFields reads the index's own fields that manifold keeps without
// modelling them: artifactType, subject and unknown fields.
func indexFields(raw []byte) (artifactType string, subject, extra json.RawMessage) {
	var m struct {
		ArtifactType string          `json:"artifactType"`
		Subject      json.RawMessage `json:"subject"`
	}
	if json.Unmarshal(raw, &m) != nil {
		return "", nil, nil
	}
	if string(m.Subject) == "null" {
		m.Subject = nil
	}
	known := map[string]bool{}
	for k := range indexKnown {
		known[k] = k != "annotations"
	}
	return m.ArtifactType, m.Subject, extraFields(raw, known)
}
