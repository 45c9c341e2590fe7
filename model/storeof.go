package model

import "errors"

// StoreOf returns the content a tree was built from, as far as the tree
// keeps it: the top level, child manifests, nested indexes and configs. A
// fetch can continue from it (the supply chain after a first paint)
// without asking for any of it again.
func StoreOf(t *Tree) Store {
	s := Store{t.Digest: {MediaType: t.MediaType, Raw: t.Raw}}
	if t.Image != nil {
		addImage(s, t.Image)
	}
	var walk func([]*Entry)
	walk = func(es []*Entry) {
		for _, e := range es {
			switch {
			case e.Missing:
				s[e.Digest] = Content{MediaType: e.MediaType, NotFound: true}
			case e.Image != nil:
				s[e.Digest] = Content{MediaType: e.Image.MediaType, Raw: e.Image.Raw}
				addImage(s, e.Image)
			case e.NestedRaw != nil:
				s[e.Digest] = Content{MediaType: e.MediaType, Raw: e.NestedRaw}
				walk(e.Children)
			case e.Err != "":
				s[e.Digest] = Content{MediaType: e.MediaType, Err: errors.New(e.Err)}
			}
		}
	}
	walk(t.Entries)
	return s
}

func addImage(s Store, im *Image) {
	cd := im.ConfigDescriptor
	switch {
	case im.ConfigRaw != nil:
		s[cd.Digest] = Content{MediaType: cd.MediaType, Raw: im.ConfigRaw}
	case im.ConfigErr != "":
		s[cd.Digest] = Content{MediaType: cd.MediaType, Err: errors.New(im.ConfigErr)}
	}
}
