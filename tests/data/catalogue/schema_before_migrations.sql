-- The catalogue schema as metadata.create_all made it on SQLite at main 5debaba
-- (2026-12-02), the last commit before migrations. See README.md.
CREATE TABLE partners (
	id VARCHAR(64) NOT NULL, 
	name TEXT NOT NULL, 
	sector VARCHAR(32) NOT NULL, 
	legal_form TEXT NOT NULL, 
	gmina_teryt VARCHAR(7) NOT NULL, 
	website TEXT NOT NULL, 
	member BOOLEAN NOT NULL, 
	description_pl TEXT NOT NULL, 
	description_en TEXT NOT NULL, 
	description_uk TEXT NOT NULL, 
	logo_path TEXT NOT NULL, 
	source TEXT NOT NULL, 
	created_at DATETIME, 
	updated_at DATETIME, 
	PRIMARY KEY (id)
);

CREATE TABLE products (
	id VARCHAR(64) NOT NULL, 
	name_pl TEXT NOT NULL, 
	name_en TEXT NOT NULL, 
	name_uk TEXT NOT NULL, 
	description_pl TEXT NOT NULL, 
	description_en TEXT NOT NULL, 
	description_uk TEXT NOT NULL, 
	category VARCHAR(32) NOT NULL, 
	tags TEXT NOT NULL, 
	lat FLOAT NOT NULL, 
	lon FLOAT NOT NULL, 
	district_teryt VARCHAR(4) NOT NULL, 
	gmina_teryt VARCHAR(7) NOT NULL, 
	address TEXT NOT NULL, 
	partner_id VARCHAR(64), 
	website TEXT NOT NULL, 
	email TEXT NOT NULL, 
	phone TEXT NOT NULL, 
	price TEXT NOT NULL, 
	free BOOLEAN, 
	months_mask INTEGER NOT NULL, 
	event_start DATE, 
	event_end DATE, 
	wheelchair BOOLEAN, 
	family BOOLEAN, 
	pets BOOLEAN, 
	languages TEXT NOT NULL, 
	status VARCHAR(16) NOT NULL, 
	source VARCHAR(16) NOT NULL, 
	source_note TEXT NOT NULL, 
	created_at DATETIME, 
	updated_at DATETIME, 
	submitted_by TEXT NOT NULL, 
	decided_by TEXT NOT NULL, 
	decided_at DATETIME, 
	decision_note TEXT NOT NULL, 
	edit_token_hash VARCHAR(64), 
	PRIMARY KEY (id), 
	UNIQUE (edit_token_hash)
);

CREATE INDEX ix_products_status ON products (status);

CREATE TABLE revisions (
	id INTEGER NOT NULL, 
	product_id VARCHAR(64) NOT NULL, 
	kind VARCHAR(8) NOT NULL, 
	data TEXT NOT NULL, 
	state VARCHAR(16) NOT NULL, 
	submitted_by TEXT NOT NULL, 
	submitted_at DATETIME, 
	decided_by TEXT NOT NULL, 
	decided_at DATETIME, 
	reason TEXT NOT NULL, 
	PRIMARY KEY (id)
);

CREATE INDEX ix_revisions_product_id ON revisions (product_id);

CREATE TABLE audit_log (
	id INTEGER NOT NULL, 
	at DATETIME NOT NULL, 
	actor TEXT NOT NULL, 
	action VARCHAR(32) NOT NULL, 
	object_type VARCHAR(16) NOT NULL, 
	object_id VARCHAR(64) NOT NULL, 
	"before" TEXT, 
	"after" TEXT, 
	note TEXT NOT NULL, 
	PRIMARY KEY (id)
);

CREATE TABLE photos (
	id VARCHAR(64) NOT NULL, 
	product_id VARCHAR(64) NOT NULL, 
	position INTEGER NOT NULL, 
	path TEXT NOT NULL, 
	thumb_path TEXT NOT NULL, 
	width INTEGER NOT NULL, 
	height INTEGER NOT NULL, 
	created_at DATETIME, 
	PRIMARY KEY (id)
);

CREATE INDEX ix_photos_product_id ON photos (product_id);

CREATE TABLE staff (
	username VARCHAR(64) NOT NULL, 
	password_hash TEXT NOT NULL, 
	role VARCHAR(16) NOT NULL, 
	failed_attempts INTEGER NOT NULL, 
	locked_until DATETIME, 
	created_at DATETIME, 
	PRIMARY KEY (username)
);

CREATE TABLE meta (
	"key" VARCHAR(64) NOT NULL, 
	value TEXT NOT NULL, 
	PRIMARY KEY ("key")
);
