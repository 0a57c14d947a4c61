"""The tile build step: raster layers to web-mercator XYZ pyramids."""
