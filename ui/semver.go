package ui

import (
	"strconv"
	"strings"
)

// version is a tag read as a version: v1.2.3-rc.1 → [1 2 3], "rc.1".
type version struct {
	nums   [maxVersionParts]int // a fixed array: parsing allocates nothing
	n      int                  // how many of nums are set
	pre    string               // after the numbers: "-rc.1", "-alpine"
	simple bool                 // parsed at all
}

// maxVersionParts is how many dot-separated numbers a version keeps; the
// rest is compared as text.
const maxVersionParts = 8

func parseVersion(tag string) version {
	s := strings.TrimPrefix(strings.TrimPrefix(tag, "v"), "V")
	var v version
	for {
		i := 0
		for i < len(s) && s[i] >= '0' && s[i] <= '9' {
			i++
		}
		if i == 0 || i > 9 || v.n == maxVersionParts {
			break
		}
		n, _ := strconv.Atoi(s[:i])
		v.nums[v.n] = n
		v.n++
		s = s[i:]
		if len(s) > 1 && s[0] == '.' && s[1] >= '0' && s[1] <= '9' {
			s = s[1:]
			continue
		}
		break
	}
	v.simple = v.n > 0
	v.pre = s
	return v
}

// semverLess orders tags newest version first: 1.10 before 1.9, 1.2.0 before
// 1.2.0-rc.1; tags that are not versions ("latest", "main") come after, by name.
func semverLess(a, b string) bool {
	return versionLess(parseVersion(a), parseVersion(b), a, b)
}

// versionLess is semverLess on versions parsed already.
func versionLess(va, vb version, a, b string) bool {
	if va.simple != vb.simple {
		return va.simple
	}
	if !va.simple {
		return a < b
	}
	for i := 0; i < va.n || i < vb.n; i++ {
		x, y := -1, -1
		if i < va.n {
			x = va.nums[i]
		}
		if i < vb.n {
			y = vb.nums[i]
		}
		if x != y {
			return x > y
		}
	}
	// Same numbers: a release sorts before its pre-releases and variants.
	if (va.pre == "") != (vb.pre == "") {
		return va.pre == ""
	}
	if va.pre != vb.pre {
		return va.pre < vb.pre
	}
	return a < b
}

func nameLess(a, b string) bool { return a < b }
