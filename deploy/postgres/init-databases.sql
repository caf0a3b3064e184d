-- One database per service and one for the gateway: nothing reads another's tables.
-- Run once by the postgres image's entrypoint, when the data volume is empty, as POSTGRES_USER
-- (shijian), who owns them. The tables are the migrations' business, not this script's.
CREATE DATABASE licensing;
CREATE DATABASE supervision;
CREATE DATABASE enforcement;
CREATE DATABASE complaints;
CREATE DATABASE qms;
CREATE DATABASE gateway;
