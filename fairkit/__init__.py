"""Material for tourism fairs: QR codes, print, trips, offline map, statistics."""
