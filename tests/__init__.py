"""shijian tests."""
