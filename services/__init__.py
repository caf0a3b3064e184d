"""The five shijian services; none imports another."""
