"""The microservice chassis: the cross-cutting kit every shijian service is built from."""
