package bidder

import (
	"strconv"

	"nordbid/internal/index"
)

// prefilter computes the set of campaigns whose targeting can admit the
// request, from the index's bit sets, into rc.set.
func (w *Work) prefilter(ix *index.Index, rc *requestContext) {
	n := ix.Words()
	w.reqSet = grow(w.reqSet, n)
	w.tmpSet = grow(w.tmpSet, n)
	w.impSet = grow(w.impSet, n)
	w.segSet = grow(w.segSet, n)
	rs := w.reqSet
	rc.set = rs

	country := ix.CountrySet(fold(w.key[:0], rc.country, true))
	device := ix.DeviceSet(strconv.AppendInt(w.key[:0], int64(rc.devType), 10))
	opSys := ix.OSSet(fold(w.key[:0], rc.os, false))
	bundle := ix.BundleSet(fold(w.key[:0], rc.bundle, false))

	domain := w.tmpSet
	domain.Clear()
	ix.DomainSet(domain, fold(w.key[:0], rc.domain, false))

	segment := ix.SegmentAny()
	if rc.personal && len(rc.req.User.Data) > 0 {
		segment = w.segSet
		segment.CopyFrom(ix.SegmentAny())
		for i := range rc.req.User.Data {
			for j := range rc.req.User.Data[i].Segment {
				segment.Or(ix.SegmentSet(append(w.key[:0],
					rc.req.User.Data[i].Segment[j].ID...)))
			}
		}
	}
	rs.Intersect(ix.ChannelSet(rc.channel), country, device, opSys, bundle, domain,
		segment)
}

// grow returns a zeroed set of n words, reusing b's array when it can.
func grow(b index.Bitset, n int) index.Bitset {
	if cap(b) < n {
		return make(index.Bitset, n)
	}
	return b[:n]
}

// fold appends s to dst in ASCII upper or lower case.
func fold(dst []byte, s string, upper bool) []byte {
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case upper && c >= 'a' && c <= 'z':
			c -= 'a' - 'A'
		case !upper && c >= 'A' && c <= 'Z':
			c += 'a' - 'A'
		}
		dst = append(dst, c)
	}
	return dst
}
